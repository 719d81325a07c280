#include "agent/config/placeholders.h"

namespace edgelog {
namespace {

struct Placeholder {
  std::string_view name;
  std::string HostFacts::*value;
  std::string_view stand_in;  // the agent's value when the host has none
};

constexpr Placeholder kPlaceholders[] = {
    {"instance_id", &HostFacts::instance_id, "i-UNKNOWN"},
    {"hostname", &HostFacts::hostname, "UNKNOWN-HOST"},
    {"local_hostname", &HostFacts::local_hostname, "UNKNOWN-HOST"},
    {"ip_address", &HostFacts::ip_address, "UNKNOWN-IP"},
    {"aws_region", &HostFacts::aws_region, "UNKNOWN-REGION"},
    {"account_id", &HostFacts::account_id, "UNKNOWN-ACCOUNT"},
    {"date", &HostFacts::date, ""},
};

const Placeholder* Find(std::string_view name) {
  for (const Placeholder& p : kPlaceholders) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

bool IsNameStart(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

}  // namespace

std::string ExpandPlaceholders(std::string_view text, const HostFacts& facts,
                               std::vector<std::string>* notes) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find('{', pos);
    size_t close = open == std::string_view::npos ? open : text.find('}', open);
    if (close == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    out.append(text.substr(pos, open - pos));
    std::string_view name = text.substr(open + 1, close - open - 1);
    const Placeholder* p = Find(name);
    if (p == nullptr) {
      // The agent replaces only the placeholders it knows.
      notes->push_back("{" + std::string(name) +
                       "} is not a placeholder, kept as it is (known: {instance_id}, "
                       "{hostname}, {local_hostname}, {ip_address}, {aws_region}, "
                       "{account_id}, {date})");
      out.append(text.substr(open, 1));
      pos = open + 1;
      continue;
    }
    const std::string& value = facts.*(p->value);
    if (name == "instance_id" && !facts.on_ec2 && !value.empty()) {
      // A deliberate difference: every host off EC2 in one i-UNKNOWN
      // stream helps no one.
      notes->push_back("{instance_id}: not on EC2 (or its metadata service did not answer): "
                       "the host name \"" + value +
                       "\" stands in, where the CloudWatch agent writes i-UNKNOWN");
    }
    if (value.empty()) {
      notes->push_back("{" + std::string(name) + "} has no value on this host: " +
                       std::string(p->stand_in) + " stands in, as with the CloudWatch agent");
      out.append(p->stand_in);
    } else {
      out.append(value);
    }
    pos = close + 1;
  }
  return out;
}

std::string ExpandEnvironment(std::string_view text, const HostFacts& facts,
                              std::vector<std::string>* notes) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t dollar = text.find('$', pos);
    if (dollar == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    out.append(text.substr(pos, dollar - pos));
    if (text.substr(dollar, 3) == "$${") {  // escaped
      out.append("${");
      pos = dollar + 3;
      continue;
    }
    size_t name_at = dollar + 2;
    size_t name_end = name_at;
    if (text.substr(dollar, 2) == "${" && name_at < text.size() && IsNameStart(text[name_at])) {
      while (name_end < text.size() && IsNameChar(text[name_end])) ++name_end;
    }
    size_t close = name_end > name_at ? text.find('}', name_end) : std::string_view::npos;
    std::string_view rest =
        close == std::string_view::npos ? "" : text.substr(name_end, close - name_end);
    bool plain = rest.empty();
    bool colon_default = rest.substr(0, 2) == ":-";
    bool dash_default = !colon_default && rest.substr(0, 1) == "-";
    if (close == std::string_view::npos || !(plain || colon_default || dash_default)) {
      out.push_back('$');  // not a reference: kept
      pos = dollar + 1;
      continue;
    }
    std::string name(text.substr(name_at, name_end - name_at));
    std::optional<std::string> value = facts.getenv ? facts.getenv(name) : std::nullopt;
    if (colon_default && (!value || value->empty())) {
      value = std::string(rest.substr(2));
    } else if (dash_default && !value) {
      value = std::string(rest.substr(1));
    }
    if (!value) {
      notes->push_back("${" + name + "} is not set in the environment");
    }
    out.append(value.value_or(""));
    pos = close + 1;
  }
  return out;
}

}  // namespace edgelog
