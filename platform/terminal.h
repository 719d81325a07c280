// Whether a stream is a terminal: the progress line of `edgelog run
// --once` is drawn only for a person watching.
#ifndef EDGELOG_PLATFORM_TERMINAL_H_
#define EDGELOG_PLATFORM_TERMINAL_H_

#include <cstddef>

namespace edgelog {

// True when standard error is a terminal (isatty(2)).
bool StderrIsTerminal();
// The width of standard error's terminal in columns; 0 when unknown.
size_t StderrColumns();

}  // namespace edgelog

#endif  // EDGELOG_PLATFORM_TERMINAL_H_
