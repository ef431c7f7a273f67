-- After a restore's delete: the profiles' dead rows gone, the heap's emptied tail cut
-- off, fresh statistics.
VACUUM (ANALYZE) public.user_profiles
