// How a file's encoding spells the end of a line.
#ifndef EDGELOG_AGENT_TEXT_NEWLINE_H_
#define EDGELOG_AGENT_TEXT_NEWLINE_H_

namespace edgelog {

enum class NewlineUnit {
  kByte,     // '\n' is the byte 0A (UTF-8 and the single- and multi-byte charsets)
  kUtf16Le,  // '\n' is 0A 00 at an even offset
  kUtf16Be,  // '\n' is 00 0A at an even offset
};

}  // namespace edgelog

#endif  // EDGELOG_AGENT_TEXT_NEWLINE_H_
