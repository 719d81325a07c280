#include "agent/aws/credentials.h"

namespace edgelog {

std::string MaskAccessKeyId(const std::string& id) {
  if (id.size() <= 8) return std::string(id.size(), '*');
  return id.substr(0, 4) + std::string(id.size() - 8, '*') + id.substr(id.size() - 4);
}

}  // namespace edgelog
