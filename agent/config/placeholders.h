// The CloudWatch agent's placeholders in group and stream names, and its
// ${VAR} environment references in any string of the config.
#ifndef EDGELOG_AGENT_CONFIG_PLACEHOLDERS_H_
#define EDGELOG_AGENT_CONFIG_PLACEHOLDERS_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace edgelog {

// What the placeholders stand for on this host, and where ${VAR} looks.
struct HostFacts {
  std::string instance_id;     // EC2 instance id; the host name elsewhere
  std::string hostname;        // EC2's idea of the host name, else the local one
  std::string local_hostname;  // gethostname()
  std::string ip_address;      // primary private IPv4 address
  std::string aws_region;      // the region the environment gives (agent.region wins)
  std::string account_id;      // from the instance identity document, on EC2
  std::string date;            // today, local time, YYYY-MM-DD
  bool on_ec2 = false;         // the instance metadata answered
  std::string metadata_silent;  // why it did not, when it was asked
  // The default log stream where neither the entry nor logs.log_stream_name
  // names one (the agent's rule): "{instance_id}" on EC2, the pod or host
  // name in a container, the host name elsewhere.
  std::string default_stream = "{instance_id}";
  // The environment, for ${VAR}; none when unset.
  std::function<std::optional<std::string>(const std::string&)> getenv;
};

// Replaces {instance_id}, {hostname}, {local_hostname}, {ip_address},
// {aws_region}, {account_id} and {date} in `text`, as the CloudWatch agent
// does: a placeholder whose value this host lacks becomes the agent's
// stand-in (UNKNOWN-IP, UNKNOWN-REGION, UNKNOWN-ACCOUNT), and an unknown
// one is left as it is. Each such case adds one line to `notes`.
std::string ExpandPlaceholders(std::string_view text, const HostFacts& facts,
                               std::vector<std::string>* notes);

// Replaces ${NAME}, ${NAME:-default} (default when unset or empty) and
// ${NAME-default} (default when unset) with the environment's value, as
// the CloudWatch agent's runtime does; "$${" stands for a literal "${".
// A variable that is unset and has no default becomes "" and adds a line
// to `notes`. Anything else, "${aws:InstanceId}" or a lone '$', is kept.
std::string ExpandEnvironment(std::string_view text, const HostFacts& facts,
                              std::vector<std::string>* notes);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_CONFIG_PLACEHOLDERS_H_
