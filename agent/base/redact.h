// RedactSecrets: the one function every text that can carry a credential
// passes before it leaves the agent (its log, `edgelog doctor`, the reason
// kept in rejected.jsonl, a child's standard error quoted in an error).
#ifndef EDGELOG_AGENT_BASE_REDACT_H_
#define EDGELOG_AGENT_BASE_REDACT_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace edgelog {

// What a removed secret is replaced with.
inline constexpr char kRedacted[] = "[redacted]";

// Known secrets shorter than this are not looked for: they would match
// ordinary words.
inline constexpr size_t kMinKnownSecret = 8;

// `text` with every secret replaced by kRedacted:
//  - each value of `known` (a secret access key, a session token), however
//    it is spelled: as is, percent-encoded (%2B), JSON-escaped (\/, \u002B)
//    or as HTML character references (&#x2B;, &#43;, &plus;);
//  - anything shaped like one, spelled in any of these ways: a run of
//    characters of [A-Za-z0-9+/] holding both upper and lower case letters
//    (as random base64 does), exactly 40 long (a secret access key) or 100
//    and more (a session token, with its '=' padding); in a run of 41 to 99,
//    and in a run of 100 and more shaped like a file path (it starts with
//    '/', holds no '+', and no name between two '/' is 40 long), each
//    40-character stretch of both cases bounded on either side by '/' or
//    the run's edge (a key at the end of a path: "/creds/<key>");
//  - whatever follows a secret's name, in any case: SecretAccessKey,
//    SessionToken, aws_secret_access_key, aws_session_token, and "Token" as
//    a JSON key, then an optional quote, ':' or '=' with optional spaces
//    around it, and an optional quote; the value ends at a quote, white
//    space, ',' or '}' (a value of dots, a placeholder, is kept).
// A run ends at any other character, escapes that decode to one included
// (the "\n" of JSON). Access key ids (AKIA..., 20 characters) stay visible:
// they are not secret and help to tell credentials apart.
// Linear in the size of `text` for each known secret.
std::string RedactSecrets(std::string_view text, const std::vector<std::string>& known);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_BASE_REDACT_H_
