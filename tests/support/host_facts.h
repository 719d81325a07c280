// HostFacts for tests of the config code: a process environment of the
// test's own instead of the real one.
#ifndef EDGELOG_TESTS_SUPPORT_HOST_FACTS_H_
#define EDGELOG_TESTS_SUPPORT_HOST_FACTS_H_

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "agent/config/placeholders.h"

namespace edgelog::testing {

// `facts`, whose environment holds `vars` and nothing else.
inline HostFacts WithEnvironment(HostFacts facts, std::map<std::string, std::string> vars) {
  facts.getenv = [vars = std::move(vars)](
                     const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  return facts;
}

}  // namespace edgelog::testing

#endif  // EDGELOG_TESTS_SUPPORT_HOST_FACTS_H_
