// The CloudWatch agent's placeholders in group and stream names.
#ifndef EDGELOG_AGENT_CONFIG_PLACEHOLDERS_H_
#define EDGELOG_AGENT_CONFIG_PLACEHOLDERS_H_

#include <string>
#include <string_view>

#include "agent/base/status.h"

namespace edgelog {

// What the placeholders stand for on this host.
struct HostFacts {
  std::string instance_id;     // EC2 instance id; the host name elsewhere
  std::string hostname;        // EC2's idea of the host name, else the local one
  std::string local_hostname;  // gethostname()
  std::string ip_address;      // primary private IPv4 address
};

// Replaces {instance_id}, {hostname}, {local_hostname} and {ip_address} in
// `text`. kInvalidArgument naming the placeholder when it is unknown, or
// when its value is unknown on this host.
StatusOr<std::string> ExpandPlaceholders(std::string_view text,
                                         const HostFacts& facts);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_CONFIG_PLACEHOLDERS_H_
