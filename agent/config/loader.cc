#include "agent/config/loader.h"

#include <cjson/cJSON.h>

#include <memory>

#include "agent/config/entries.h"
#include "agent/config/problems.h"
#include "agent/config/walker.h"
#include "agent/io/file_util.h"

namespace edgelog {
namespace {

// "line L, column C" of byte offset `at` in `text`.
std::string Position(std::string_view text, size_t at) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < at && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace

StatusOr<Config> ParseConfig(std::string_view json, const std::string& source_path,
                             const HostFacts& facts) {
  const char* end = nullptr;
  std::unique_ptr<cJSON, void (*)(cJSON*)> root(
      cJSON_ParseWithLengthOpts(json.data(), json.size(), &end, false),
      cJSON_Delete);
  size_t at = end != nullptr ? static_cast<size_t>(end - json.data()) : 0;
  if (root) {  // only white space may follow the object
    at = json.find_first_not_of(" \t\r\n", at);
    if (at == std::string_view::npos) at = json.size();
  }
  if (!root || at != json.size()) {
    return Status::InvalidArgument(source_path + ": " + Position(json, at) +
                                   ": not valid JSON");
  }
  Config config;
  config.source_path = source_path;
  ConfigProblems problems(source_path, &config.warnings);
  WalkConfig(root.get(), facts, &config, &problems);
  if (cJSON_IsObject(root.get())) FinishConfig(root.get(), facts, &config, &problems);
  if (!problems.errors().empty()) {
    std::string message = problems.errors();
    message.pop_back();  // the last '\n'
    return Status::InvalidArgument(message);
  }
  return config;
}

StatusOr<Config> LoadConfig(Env& env, const std::string& path,
                            const HostFacts& facts) {
  auto text = ReadWholeFile(env, path, kMaxConfigBytes);
  if (!text.ok()) {
    return Status::InvalidArgument(path + ": cannot read: " + text.status().message());
  }
  return ParseConfig(*text, path, facts);
}

}  // namespace edgelog
