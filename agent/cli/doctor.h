// edgelog doctor: checks, step by step, what shipping needs, and for each
// failure says its most likely cause and fix in one sentence.
#ifndef EDGELOG_AGENT_CLI_DOCTOR_H_
#define EDGELOG_AGENT_CLI_DOCTOR_H_

#include "agent/cli/command_line.h"
#include "agent/cli/commands.h"

namespace edgelog {

// Exit 0 only if shipping would work; 1 when a step failed; 2 for a bad
// configuration. Never prints a secret.
int DoctorCommand(const CommandLine& cl, Host& host);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_CLI_DOCTOR_H_
