package costgate.resources

secret_version(v) := {"__type": "aws:secretsmanager/secretVersion:SecretVersion", "__name": "k", "properties": {"secretId": "s", "secretString": v}}

test_plaintext_secret_denies_plain_secret_string if {
	"resources.plaintext_secret" in ids(deny) with input as secret_version("sk-live-123")
}

test_plaintext_secret_allows_preview_secret if {
	not "resources.plaintext_secret" in ids(deny) with input as secret_version("[secret]")
}

test_plaintext_secret_allows_engine_secret if {
	not "resources.plaintext_secret" in ids(deny) with input as secret_version({"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": "sk-live-123"})
}

test_plaintext_secret_denies_plain_secure_string if {
	"resources.plaintext_secret" in ids(deny) with input as {"__type": "aws:ssm/parameter:Parameter", "__name": "p", "properties": {"type": "SecureString", "value": "v", "tags": tagged}}
}

test_plaintext_secret_denies_key_in_insecure_value if {
	"resources.plaintext_secret" in ids(deny) with input as {"__type": "aws:ssm/parameter:Parameter", "__name": "p", "properties": {"name": "/acme/api-key", "type": "String", "insecureValue": "v", "tags": tagged}}
}

test_plaintext_secret_allows_team_named_like_a_key if {
	not "resources.plaintext_secret" in ids(deny) with input as {"__type": "aws:ssm/parameter:Parameter", "__name": "p", "properties": {"name": "/costgate/monkey-ops/routes", "type": "String", "insecureValue": "[]", "tags": tagged}}
}

test_plaintext_secret_allows_routing_table if {
	not "resources.plaintext_secret" in ids(deny) with input as {"__type": "aws:ssm/parameter:Parameter", "__name": "p", "properties": {"name": "/costgate/acme/routes", "type": "String", "value": "[]", "tags": tagged}}
}

test_plaintext_secret_denies_api_key_in_user_data if {
	"resources.plaintext_secret" in ids(deny) with input as launch_template({"userData": base64.encode("docker run vllm/vllm-openai:v0.11.0 --model m --api-key abc")})
}

test_plaintext_secret_denies_key_value_in_user_data if {
	"resources.plaintext_secret" in ids(deny) with input as launch_template({"userData": base64.encode("VLLM_API_KEY=abc123")})
}

test_plaintext_secret_allows_user_data_reading_secrets_manager if {
	not "resources.plaintext_secret" in ids(deny) with input as launch_template({"userData": base64.encode("printf 'VLLM_API_KEY=%s\\n' \"$key\"")})
}

# Each alternative of the user data's key pattern denies on its own, and
# only with a value after the key.
user_data_denied(text) if {
	"resources.plaintext_secret" in ids(deny) with input as launch_template({"userData": base64.encode(text)})
}

test_plaintext_secret_user_data_key_forms if {
	user_data_denied("vllm serve m --api-key=abc")
	user_data_denied("vllm serve m --api-key abc")
	user_data_denied("export HF_TOKEN=hf_abc")
	user_data_denied("echo ok\nVLLM_API_KEY=Z")
	user_data_denied("HF_TOKEN=0 VLLM_API_KEY=%s")
	not user_data_denied("vllm serve m --api-key-file /run/k")
	not user_data_denied("vllm serve m --api-key")
	not user_data_denied("HF_TOKEN=$(cat /run/t) VLLM_API_KEY=")
	not user_data_denied("VLLM_API_KEY =abc HF_TOKEN:abc hf_token=abc")
}
