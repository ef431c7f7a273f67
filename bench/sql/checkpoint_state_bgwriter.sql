-- The checkpointer now (before PostgreSQL 17: pg_stat_bgwriter): whether it is writing
-- a checkpoint (any wait but its idle one, CheckpointerMain), and its counters.
SELECT clock_timestamp() AS at,
       coalesce((SELECT a.wait_event IS DISTINCT FROM 'CheckpointerMain'
                   FROM pg_stat_activity a WHERE a.backend_type = 'checkpointer'), false)
           AS checkpointing,
       b.checkpoints_timed AS timed, b.checkpoints_req AS requested,
       b.buffers_checkpoint AS buffers_written
  FROM pg_stat_bgwriter b
