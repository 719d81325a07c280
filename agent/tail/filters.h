// The CloudWatch agent's `filters`: include/exclude regular expressions
// (RE2 syntax, which is Go's) that every record must pass to be sent.
#ifndef EDGELOG_AGENT_TAIL_FILTERS_H_
#define EDGELOG_AGENT_TAIL_FILTERS_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agent/base/status.h"
#include "agent/text/regex.h"

namespace edgelog {

enum class FilterType { kInclude, kExclude };

struct FilterSpec {
  FilterType type = FilterType::kInclude;
  std::string expression;
};

// Compiled filters; copyable and cheap to share between the sources of an
// entry (the expressions are immutable).
class Filters {
 public:
  Filters() = default;
  // kInvalidArgument naming the expression and RE2's complaint.
  static StatusOr<Filters> Compile(const std::vector<FilterSpec>& specs);

  // True when `record` passes every filter: it matches each include
  // expression (anywhere) and no exclude expression.
  bool Pass(std::string_view record) const;
  bool empty() const { return filters_.empty(); }

 private:
  struct Compiled {
    FilterType type;
    Regex re;
  };
  std::vector<Compiled> filters_;
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_TAIL_FILTERS_H_
