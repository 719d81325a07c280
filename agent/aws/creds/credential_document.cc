#include "agent/aws/creds/credential_document.h"

#include <cjson/cJSON.h>

#include <memory>

#include "agent/aws/creds/sts.h"

namespace edgelog {
namespace {

using JsonPtr = std::unique_ptr<cJSON, void (*)(cJSON*)>;

std::string JsonString(const cJSON* object, const char* key) {
  const cJSON* item = cJSON_GetObjectItemCaseSensitive(object, key);
  return cJSON_IsString(item) ? item->valuestring : "";
}

}  // namespace

std::string QuoteRemote(std::string_view s, size_t max, const std::string& secret) {
  std::string out;
  for (char c : s) {
    bool space = static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  // The search goes on past each replacement: the secret may be part of
  // "[redacted]" itself.
  constexpr std::string_view kRedacted = "[redacted]";
  for (size_t pos = secret.empty() ? std::string::npos : out.find(secret);
       pos != std::string::npos; pos = out.find(secret, pos + kRedacted.size())) {
    out.replace(pos, secret.size(), kRedacted);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (out.size() > max) out = out.substr(0, max) + "...";
  return out;
}

StatusOr<SourcedCredentials> ParseCredentialDocument(const std::string& body,
                                                     const std::string& what) {
  JsonPtr root(cJSON_ParseWithLength(body.data(), body.size()), cJSON_Delete);
  if (!root || !cJSON_IsObject(root.get())) {
    return Status::Unavailable(what + ": the credentials are not a JSON object");
  }
  std::string code = JsonString(root.get(), "Code");
  if (!code.empty() && code != "Success") {
    std::string message = JsonString(root.get(), "Message");
    return Status::Unavailable(what + ": the credentials document says " + code +
                               (message.empty() ? "" : ": " + QuoteRemote(message, kMaxQuotedBody, "")));
  }
  SourcedCredentials out;
  out.credentials.access_key_id = JsonString(root.get(), "AccessKeyId");
  out.credentials.secret_access_key = JsonString(root.get(), "SecretAccessKey");
  out.credentials.session_token = JsonString(root.get(), "Token");
  const char* missing = out.credentials.access_key_id.empty()       ? "AccessKeyId"
                        : out.credentials.secret_access_key.empty() ? "SecretAccessKey"
                                                                    : nullptr;
  if (missing != nullptr) {
    return Status::Unavailable(what + ": the credentials document has no " + missing);
  }
  std::string expiration = JsonString(root.get(), "Expiration");
  if (!expiration.empty()) {
    auto expires = ParseExpirationMillis(expiration);
    if (!expires.ok()) return Status::Unavailable(what + ": " + expires.status().message());
    out.expires_unix_ms = *expires;
  }
  return out;
}

std::string ErrorMessageOf(const std::string& body) {
  JsonPtr root(cJSON_ParseWithLength(body.data(), body.size()), cJSON_Delete);
  if (!root || !cJSON_IsObject(root.get())) return body;
  for (const char* key : {"message", "Message", "error", "Error"}) {
    std::string message = JsonString(root.get(), key);
    if (!message.empty()) return message;
  }
  return "";
}

}  // namespace edgelog
