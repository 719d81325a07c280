// Finding a file's older generations: the names rotation gives them, and
// recognising a copy of content already read (copytruncate).
#ifndef EDGELOG_AGENT_TAIL_ROTATION_H_
#define EDGELOG_AGENT_TAIL_ROTATION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "agent/tail/fingerprint.h"
#include "platform/env.h"

namespace edgelog {

struct Sibling {
  std::string path;
  FileInfo info;
};

// Regular files in the directory of `path` named like its rotated
// generations: NAME.1, NAME.2, NAME-20261121, NAME.2026-11-21, ... (NAME
// followed by '.' or '-'), compressed ones left out, oldest first (by
// modification time).
std::vector<Sibling> RotatedSiblings(Env& env, const std::string& path);

// True for names of compressed files, which are not logs to tail.
bool IsCompressedName(const std::string& path);

// What is known of a file that was being read.
struct ReadState {
  uint64_t offset = 0;  // bytes read
  Fingerprint head;     // of its first bytes
  Fingerprint tail;     // of the bytes just before `offset`
};

// True when `file` (of `size` bytes) holds the same first `state.offset`
// bytes as the file `state` describes, judged by both fingerprints: a copy
// made by copytruncate, with perhaps more bytes after.
bool HoldsReadContent(ReadableFile& file, uint64_t size, const ReadState& state);

// True when `path` matches `pattern` ('*', '?', '[...]' per component, '**'
// for any number of directories), as ExpandGlob would have found it.
bool PathMatches(const std::string& pattern, const std::string& path);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_TAIL_ROTATION_H_
