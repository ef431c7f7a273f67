-- wrk: stop each thread after BENCH_MAX_REQUESTS responses (wrk itself bounds only time).
local limit = tonumber(os.getenv("BENCH_MAX_REQUESTS") or "0")
local seen = 0

response = function(status, headers, body)
    seen = seen + 1
    if limit > 0 and seen >= limit then
        wrk.thread:stop()
    end
end
