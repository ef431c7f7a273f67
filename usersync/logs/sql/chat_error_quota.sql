-- A user's chat errors of the last minute and of the last day (over the index on
-- (user_id, created_at)), and in how many whole seconds the oldest of each leaves its
-- window. clock_timestamp(), not now(): after the lock wait, the present moment.
-- Parameter: user_id.
SELECT count(*) FILTER (WHERE created_at > clock_timestamp() - interval '1 minute')
           AS last_minute,
       count(*) AS last_day,
       ceil(extract(epoch FROM
           min(created_at) FILTER (WHERE created_at > clock_timestamp() - interval '1 minute')
           + interval '1 minute' - clock_timestamp()))::integer AS minute_frees_in,
       ceil(extract(epoch FROM min(created_at) + interval '1 day' - clock_timestamp()))::integer
           AS day_frees_in
  FROM public.chat_error_log
 WHERE user_id = %(user_id)s
   AND created_at > clock_timestamp() - interval '1 day'
