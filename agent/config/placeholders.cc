#include "agent/config/placeholders.h"

namespace edgelog {
namespace {

const std::string* Lookup(std::string_view name, const HostFacts& facts) {
  if (name == "instance_id") return &facts.instance_id;
  if (name == "hostname") return &facts.hostname;
  if (name == "local_hostname") return &facts.local_hostname;
  if (name == "ip_address") return &facts.ip_address;
  return nullptr;
}

}  // namespace

StatusOr<std::string> ExpandPlaceholders(std::string_view text,
                                         const HostFacts& facts) {
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
    const std::string* value = Lookup(name, facts);
    if (value == nullptr) {
      return Status::InvalidArgument(
          "unknown placeholder {" + std::string(name) +
          "} (known: {instance_id}, {hostname}, {local_hostname}, {ip_address})");
    }
    if (value->empty()) {
      return Status::InvalidArgument("placeholder {" + std::string(name) +
                                     "} has no value on this host");
    }
    out.append(*value);
    pos = close + 1;
  }
  return out;
}

}  // namespace edgelog
