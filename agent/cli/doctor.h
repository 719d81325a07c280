// edgelog doctor: checks, step by step, what shipping needs, and for each
// failure says its most likely cause and fix in one sentence.
#ifndef EDGELOG_AGENT_CLI_DOCTOR_H_
#define EDGELOG_AGENT_CLI_DOCTOR_H_

#include <string>

#include "agent/aws/endpoint.h"
#include "agent/cli/command_line.h"
#include "agent/cli/commands.h"
#include "platform/env.h"

namespace edgelog {

// Exit 0 only if shipping would work; 1 when a step failed; 2 for a bad
// configuration. Never prints a secret.
int DoctorCommand(const CommandLine& cl, Host& host);

// Why doctor does not ask STS who the credentials are (GetCallerIdentity),
// or "" when it asks. It does not when `logs` is on this host (a stand-in
// such as moto or LocalStack) and neither AWS_ENDPOINT_URL_STS nor
// AWS_ENDPOINT_URL names an STS: the public STS would be asked about
// credentials that are the stand-in's, and refuse them.
std::string ReasonToSkipIdentity(const Endpoint& logs, Env& env);

}  // namespace edgelog

#endif  // EDGELOG_AGENT_CLI_DOCTOR_H_
