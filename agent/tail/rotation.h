// Finding a file's older generations: the names rotation gives them, and
// recognising a copy of content already read (copytruncate).
#ifndef EDGELOG_AGENT_TAIL_ROTATION_H_
#define EDGELOG_AGENT_TAIL_ROTATION_H_

#include <cstdint>
#include <string>
#include <string_view>
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

// True when `candidate` is named like a rotated generation of `path` (as
// RotatedSiblings finds them).
bool IsRotatedNameOf(const std::string& candidate, const std::string& path);

// True when `candidate` is named as rotation names the generations of
// `path`: NAME followed by '.' or '-' and a numbered or dated suffix
// (digits, with '-', '_', '.', ':' or 'T' between them): app.log.1,
// app.log-20261206, app.log.2026-12-06, app.log-20261206-1733400000; not
// app.log.bak, app.log-audit or app.log.old. Only such files are read as
// generations never seen: any other file would put foreign lines in the
// stream.
bool LooksRotated(const std::string& candidate, const std::string& path);

// True for names of compressed files, which are not logs to tail.
bool IsCompressedName(const std::string& path);

// True when `file` (of `size` bytes) holds the same first `state.offset`
// bytes as the file `state` describes, judged by both fingerprints: a copy
// made by copytruncate, with perhaps more bytes after. With `state.offset`
// 0 (nothing read yet), the first bytes seen (`state.head`) are compared.
bool HoldsReadContent(ReadableFile& file, uint64_t size, const ReadState& state);

// True when the `size` bytes of `file` are the first `size` bytes of what
// `state` describes (size <= state.offset): a copy made before all that was
// read had been written, holding nothing new. Judged by the head
// fingerprint and by `tail_bytes`, the bytes read just before
// `state.offset`, where they overlap; false when neither covers the file.
bool PrefixOfRead(ReadableFile& file, uint64_t size, const ReadState& state,
                  std::string_view tail_bytes);

// True when `a` and `b` both hold at least `n` bytes and the same first `n`,
// judged by the first and the last kFingerprintBytes of them, compared byte
// for byte.
bool SamePrefix(ReadableFile& a, ReadableFile& b, uint64_t n);

// True when `path` matches `pattern` ('*', '?', '[...]' per component, '**'
// for any number of directories), as ExpandGlob would have found it.
bool PathMatches(const std::string& pattern, const std::string& path);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_TAIL_ROTATION_H_
