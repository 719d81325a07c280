#include "agent/tail/filters.h"

namespace edgelog {

StatusOr<Filters> Filters::Compile(const std::vector<FilterSpec>& specs) {
  Filters out;
  for (const FilterSpec& spec : specs) {
    auto re = CompileRegex(spec.expression);
    if (!re.ok()) return re.status();
    out.filters_.push_back({spec.type, std::move(*re)});
  }
  return out;
}

bool Filters::Pass(std::string_view record) const {
  for (const Compiled& f : filters_) {
    bool match = SearchRegex(*f.re, record);
    if (match != (f.type == FilterType::kInclude)) return false;
  }
  return true;
}

}  // namespace edgelog
