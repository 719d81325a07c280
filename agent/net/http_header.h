// HttpHeader: one header of a request, as the HTTP client sends it and the
// request signer signs it. Below both: it depends on nothing.
#ifndef EDGELOG_AGENT_NET_HTTP_HEADER_H_
#define EDGELOG_AGENT_NET_HTTP_HEADER_H_

#include <string>

namespace edgelog {

struct HttpHeader {
  std::string name;
  std::string value;
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_NET_HTTP_HEADER_H_
