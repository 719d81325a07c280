#include "agent/text/regex.h"

#include <re2/re2.h>

#include <string>

namespace edgelog {

StatusOr<Regex> CompileRegex(std::string_view pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_shared<const RE2>(re2::StringPiece(pattern.data(), pattern.size()),
                                        options);
  if (!re->ok()) {
    return Status::InvalidArgument("\"" + std::string(pattern) +
                                   "\" is not a valid regular expression: " + re->error());
  }
  return Regex(std::move(re));
}

bool SearchRegex(const re2::RE2& re, std::string_view text) {
  return RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), re);
}

}  // namespace edgelog
