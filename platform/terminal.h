// Whether a stream is a terminal: the progress line of `edgelog run
// --once` is drawn only for a person watching.
#ifndef EDGELOG_PLATFORM_TERMINAL_H_
#define EDGELOG_PLATFORM_TERMINAL_H_

namespace edgelog {

// True when standard error is a terminal (isatty(2)).
bool StderrIsTerminal();

}  // namespace edgelog

#endif  // EDGELOG_PLATFORM_TERMINAL_H_
