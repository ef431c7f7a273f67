DROP TABLE IF EXISTS public.usersync_staff_links;
