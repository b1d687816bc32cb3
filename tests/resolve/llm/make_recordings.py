# ruff: noqa: E501, E701, E702  (a data file: one recorded exchange per line reads best)
"""Writes recordings/*.json: provider responses in the APIs' wire format (OpenAI chat completions,
Anthropic messages), authored by hand because this machine has no API access. Edit and rerun:
`.venv/bin/python tests/resolve/llm/make_recordings.py`."""

import json
import pathlib

out = pathlib.Path(__file__).parent / "recordings"
OA = "/v1/chat/completions"; AN = "/v1/messages"

def oa_body(answer, *, refusal=None, prompt=612, completion=38, finish="stop", id="chatcmpl-BrW1x"):
    content = None if answer is None else (answer if isinstance(answer, str) else json.dumps(answer))
    return {"id": id, "object": "chat.completion", "created": 1760000000,
            "model": "gpt-4.1-mini-2025-04-14",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content,
                                                 "refusal": refusal, "annotations": []},
                         "logprobs": None, "finish_reason": finish}],
            "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                      "total_tokens": prompt + completion,
                      "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
                      "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0,
                                                    "accepted_prediction_tokens": 0,
                                                    "rejected_prediction_tokens": 0}},
            "service_tier": "default", "system_fingerprint": "fp_6f2eabb9a5"}

def an_body(answer, *, stop="tool_use", inp=702, outp=64, text=None, id="toolu_01HZ8mQx3c"):
    content = []
    if text:
        content.append({"type": "text", "text": text})
    if answer is not None:
        content.append({"type": "tool_use", "id": id, "name": "answer", "input": answer})
    return {"id": "msg_01Xk7YpQ", "type": "message", "role": "assistant",
            "model": "claude-haiku-4-5-20251001", "content": content, "stop_reason": stop,
            "stop_sequence": None,
            "usage": {"input_tokens": inp, "output_tokens": outp, "cache_creation_input_tokens": 0,
                      "cache_read_input_tokens": 0, "service_tier": "standard"}}

def ok(body, headers=None):
    return {"status": 200, "headers": {"x-request-id": "req_0a1b2c", **(headers or {})}, "body": body}

def req(path, contains=(), excludes=()):
    r = {"method": "POST", "path": path}
    if contains: r["body_contains"] = list(contains)
    if excludes: r["body_excludes"] = list(excludes)
    return r

SIGNIN = {"element": 6, "action": "click", "value": None, "confidence": 0.96,
          "reason": "The only button named Sign in."}
LISTED = ["Target: the Sign in button", '[6] button "Sign in" id=signin @(420,320 90x38)',
          '[4] textbox "Username" type=text id=username']

def save(name, description, interactions):
    (out / f"{name}.json").write_text(json.dumps({"description": description,
                                                  "interactions": interactions}, indent=2) + "\n")

# --- OpenAI ---
save("openai_resolve_ok", "gpt-4.1-mini picks the Sign in button from the numbered list",
     [{"request": req(OA, LISTED), "response": ok(oa_body(SIGNIN))}])
save("openai_resolve_invalid_then_ok", "first answer names an id that was not listed; the retry carries the validation error",
     [{"request": req(OA, LISTED, excludes=["That answer is invalid"]),
       "response": ok(oa_body({**SIGNIN, "element": 42}))},
      {"request": req(OA, ["That answer is invalid: element 42 is not one of the listed ids"]),
       "response": ok(oa_body(SIGNIN, prompt=700, completion=37, id="chatcmpl-BrW1y"))}])
save("openai_refusal", "the model refuses (structured-output refusal field)",
     [{"request": req(OA, ["Target: the Sign in button"]),
       "response": ok(oa_body(None, refusal="I'm sorry, but I can't help with that request.", completion=12))}])
save("openai_no_element", "the model finds no element for the step",
     [{"request": req(OA, ["Target: the Sign in button"]),
       "response": ok(oa_body({"element": None, "action": "click", "value": None, "confidence": 0.0,
                               "reason": "No listed element looks like a sign-in control."}, completion=30))}])
save("openai_timeout", "every attempt times out (transport raises ReadTimeout)",
     [{"request": req(OA), "error": "ReadTimeout"}, {"request": req(OA), "error": "ReadTimeout"}])
save("openai_429_then_ok", "rate limited once with retry-after, then answered",
     [{"request": req(OA), "response": {"status": 429, "headers": {"retry-after": "0.25", "x-request-id": "req_429"},
                                        "body": {"error": {"message": "Rate limit reached for gpt-4.1-mini in organization org-demo on tokens per min (TPM): Limit 200000, Used 199800, Requested 650. Please try again in 195ms.",
                                                           "type": "tokens", "param": None, "code": "rate_limit_exceeded"}}}},
      {"request": req(OA, LISTED), "response": ok(oa_body(SIGNIN))}])
save("openai_429_exhausted", "rate limited on every attempt",
     [{"request": req(OA), "response": {"status": 429, "headers": {"retry-after": "0.05"},
                                        "body": {"error": {"message": "Rate limit reached for gpt-4.1-mini.", "type": "requests", "param": None, "code": "rate_limit_exceeded"}}}}] * 2)
save("openai_bad_key", "the server rejects the key and echoes part of it",
     [{"request": req(OA), "response": {"status": 401, "headers": {},
        "body": {"error": {"message": "Incorrect API key provided: sk-test-***************************1234. You can find your API key at https://platform.openai.com/account/api-keys.",
                           "type": "invalid_request_error", "param": None, "code": "invalid_api_key"}}}}])

# --- Anthropic ---
save("anthropic_resolve_ok", "claude picks the Sign in button via the forced answer tool",
     [{"request": req(AN, LISTED), "response": ok(an_body(SIGNIN))}])
save("anthropic_resolve_invalid_then_ok", "first tool input has a string element; the retry is a tool_result error",
     [{"request": req(AN, LISTED, excludes=["tool_result"]),
       "response": ok(an_body({**SIGNIN, "element": "the Sign in button"}))},
      {"request": req(AN, ["tool_result", "toolu_01HZ8mQx3c", "That answer is invalid: element:"]),
       "response": ok(an_body(SIGNIN, inp=790, outp=60, id="toolu_01HZ8mQx3d"))}])
save("anthropic_refusal", "stop_reason refusal",
     [{"request": req(AN, ["Target: the Sign in button"]),
       "response": ok(an_body(None, stop="refusal", outp=5))}])
save("anthropic_timeout", "every attempt times out",
     [{"request": req(AN), "error": "ReadTimeout"}, {"request": req(AN), "error": "ReadTimeout"}])
save("anthropic_429_then_ok", "rate limited once with retry-after, then answered",
     [{"request": req(AN), "response": {"status": 429, "headers": {"retry-after": "0.25", "request-id": "req_011"},
                                        "body": {"type": "error", "error": {"type": "rate_limit_error",
                                                 "message": "This request would exceed the rate limit for your organization of 50,000 input tokens per minute."}}}},
      {"request": req(AN, LISTED), "response": ok(an_body(SIGNIN))}])

# --- Agent on the demo shop ---
def dec(done, step, element, reason):
    return {"done": done, "step": step, "element": element, "reason": reason}
GOAL = "Goal: log in as alice with password secret and add the Blue Mug to the cart"
save("agent_login_add_to_cart", "gpt-4.1-mini drives the demo shop: log in, add the Blue Mug, done; ids are {{id:...}} placeholders resolved from the sent candidate list",
     [{"request": req(OA, [GOAL, "(none)", "Sign in - Acme Mugs", "id=username"]),
       "response": ok(oa_body(dec(False, 'Type "alice" into the Username field', "{{id:id=username}}", "Start by entering the username."), prompt=820, completion=45))},
      {"request": req(OA, ['1. Type "alice" into the Username field'], excludes=['2. Type "secret"']),
       "response": ok(oa_body(dec(False, 'Type "secret" into the Password field', "{{id:id=password}}", "Then the password."), prompt=845, completion=44, id="chatcmpl-BrW20"))},
      {"request": req(OA, ['2. Type "secret" into the Password field'], excludes=["3. Click"]),
       "response": ok(oa_body(dec(False, "Click the Sign in button", "{{id:id=signin}}", "Submit the login form."), prompt=870, completion=40, id="chatcmpl-BrW21"))},
      {"request": req(OA, ["3. Click the Sign in button", "Products - Acme Mugs", "id=add-blue-mug"], excludes=["4. Click"]),
       "response": ok(oa_body(dec(False, 'Click the Add to cart button in the row with "Blue Mug"', "{{id:id=add-blue-mug}}", "Logged in; add the Blue Mug."), prompt=1310, completion=52, id="chatcmpl-BrW22"))},
      {"request": req(OA, ['4. Click the Add to cart button in the row with \"Blue Mug\"', "Cart (1)"]),
       "response": ok(oa_body(dec(True, None, None, "Logged in as alice and the cart holds the Blue Mug."), prompt=1335, completion=30, id="chatcmpl-BrW23"))}])
save("agent_invalid_step_then_ok", "the agent first writes a step the parser does not accept; the retry fixes it",
     [{"request": req(OA, ["Goal: sign in"], excludes=["That answer is invalid"]),
       "response": ok(oa_body(dec(False, "Sign in please", 6, "Sign in.")))},
      {"request": req(OA, ["That answer is invalid: the step 'Sign in please' is not an accepted phrasing"]),
       "response": ok(oa_body(dec(False, "Click the Sign in button", 6, "Sign in."), id="chatcmpl-BrW24"))}])

# --- real page, screenshot on; Azure deployment path; local Ollama server ---
save("openai_products_row_screenshot", "on the real products page, with a screenshot: the Add to cart button in the Blue Mug row",
     [{"request": req(OA, ['Target: the Add to cart button in the row with "Blue Mug"', 'in="Blue Mug $12.00', "data:image/jpeg;base64,"]),
       "response": ok(oa_body({"element": "{{id:id=add-blue-mug}}", "action": "click", "value": None, "confidence": 0.93,
                               "reason": "The Add to cart button in the Blue Mug row."}, prompt=1650, completion=41))}])
save("azure_resolve_ok", "an Azure OpenAI deployment answers on its deployment path",
     [{"request": req("/openai/deployments/rw-mini/chat/completions", LISTED), "response": ok(oa_body(SIGNIN))}])
save("ollama_resolve_ok", "a local Ollama server (OpenAI-compatible) answers in json_object mode",
     [{"request": req(OA, LISTED), "response": ok({**oa_body("```json\n" + json.dumps(SIGNIN) + "\n```"), "model": "llama3.1:8b"})}])
