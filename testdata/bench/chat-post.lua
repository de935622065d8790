-- wrk script: POST a small OpenAI chat completion to the fake provider.
-- wrk prints "Non-2xx or 3xx responses: N" itself when any answer was not a 200.
wrk.method = "POST"
wrk.path = "/v1/chat/completions"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"gpt-4.1-mini","max_tokens":16,"messages":[{"role":"user","content":"What is the capital of France?"}]}'
