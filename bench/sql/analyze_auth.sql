-- Fresh statistics of the auth tables after loading (the profiles' statement reads them).
ANALYZE auth.users, auth.identities
