-- The checkpointer now (PostgreSQL 17 and later: pg_stat_checkpointer): whether it is
-- writing a checkpoint (any wait but its idle one, CheckpointerMain), and its counters.
SELECT clock_timestamp() AS at,
       coalesce((SELECT a.wait_event IS DISTINCT FROM 'CheckpointerMain'
                   FROM pg_stat_activity a WHERE a.backend_type = 'checkpointer'), false)
           AS checkpointing,
       c.num_timed AS timed, c.num_requested AS requested, c.buffers_written
  FROM pg_stat_checkpointer c
