#include "agent/cli/command_line.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace edgelog {
namespace {

using Args = std::vector<std::string>;

CommandLine Parse(const Args& args) {
  auto cl = ParseCommandLine(args);
  EXPECT_TRUE(cl.ok()) << cl.status().ToString();
  return cl.ok() ? *cl : CommandLine{};
}

std::string ErrorOf(const Args& args) {
  auto cl = ParseCommandLine(args);
  EXPECT_FALSE(cl.ok());
  if (cl.ok()) return "";
  EXPECT_EQ(Code::kInvalidArgument, cl.status().code());
  return cl.status().message();
}

bool Contains(const std::string& s, const std::string& needle) {
  return s.find(needle) != std::string::npos;
}

TEST(CommandLineTest, RunWithConfigStateDirAndOnce) {
  CommandLine cl = Parse({"run", "--config", "/etc/edgelog.json", "--state-dir", "/tmp/s", "--once"});
  EXPECT_EQ(Command::kRun, cl.command);
  EXPECT_EQ("/etc/edgelog.json", cl.config_path);
  EXPECT_EQ("/tmp/s", cl.state_dir);
  EXPECT_TRUE(cl.once);
}

TEST(CommandLineTest, RunIsTheDefaultCommand) {
  CommandLine cl = Parse({"--config", "/etc/edgelog.json"});
  EXPECT_EQ(Command::kRun, cl.command);
  EXPECT_EQ("/etc/edgelog.json", cl.config_path);
  EXPECT_EQ("", cl.state_dir) << "the config decides";
  EXPECT_FALSE(cl.once);
}

TEST(CommandLineTest, FlagsAcceptAnEqualsSign) {
  CommandLine cl = Parse({"run", "--config=/etc/e.json", "--state-dir=/var/x"});
  EXPECT_EQ("/etc/e.json", cl.config_path);
  EXPECT_EQ("/var/x", cl.state_dir);
}

TEST(CommandLineTest, FlagsMayComeInAnyOrder) {
  CommandLine cl = Parse({"run", "--once", "--state-dir", "/s", "--config", "/c"});
  EXPECT_TRUE(cl.once);
  EXPECT_EQ("/c", cl.config_path);
  EXPECT_EQ("/s", cl.state_dir);
}

TEST(CommandLineTest, CheckConfigNeedsAConfig) {
  CommandLine cl = Parse({"check-config", "--config", "/c"});
  EXPECT_EQ(Command::kCheckConfig, cl.command);
  EXPECT_TRUE(Contains(ErrorOf({"check-config"}), "--config"));
}

TEST(CommandLineTest, RunWithoutConfigIsAnErrorNamingTheFlag) {
  EXPECT_TRUE(Contains(ErrorOf({"run"}), "--config"));
  EXPECT_TRUE(Contains(ErrorOf({}), "--config"));
  EXPECT_TRUE(Contains(ErrorOf({"--once"}), "--config"));
}

TEST(CommandLineTest, VersionAndHelpNeedNoConfig) {
  EXPECT_EQ(Command::kVersion, Parse({"version"}).command);
  EXPECT_EQ(Command::kVersion, Parse({"--version"}).command);
  EXPECT_EQ(Command::kHelp, Parse({"help"}).command);
  EXPECT_EQ(Command::kHelp, Parse({"--help"}).command);
  EXPECT_EQ(Command::kHelp, Parse({"-h"}).command);
  EXPECT_EQ(Command::kHelpConfig, Parse({"help", "config"}).command);
}

TEST(CommandLineTest, HelpFlagWinsOverAMissingConfig) {
  EXPECT_EQ(Command::kHelp, Parse({"run", "--help"}).command);
}

TEST(CommandLineTest, AnUnknownCommandIsNamedInTheError) {
  EXPECT_TRUE(Contains(ErrorOf({"frobnicate", "--config", "/c"}), "frobnicate"));
}

TEST(CommandLineTest, AnUnknownFlagIsNamedInTheError) {
  EXPECT_TRUE(Contains(ErrorOf({"run", "--config", "/c", "--verbose"}), "--verbose"));
  EXPECT_TRUE(Contains(ErrorOf({"run", "--config", "/c", "extra"}), "extra"));
}

TEST(CommandLineTest, AFlagWithoutItsValueIsAnError) {
  EXPECT_TRUE(Contains(ErrorOf({"run", "--config"}), "--config needs a value"));
  EXPECT_TRUE(Contains(ErrorOf({"run", "--config="}), "--config needs a value"));
  EXPECT_TRUE(Contains(ErrorOf({"run", "--config", "/c", "--state-dir"}),
                       "--state-dir needs a value"));
}

TEST(CommandLineTest, ARelativeStateDirIsRefusedNamingTheFlag) {
  for (const char* dir : {"state", "./state", "../var/edgelog", "~/state"}) {
    std::string error = ErrorOf({"run", "--config", "/c", "--state-dir", dir});
    EXPECT_TRUE(Contains(error, "--state-dir")) << error;
    EXPECT_TRUE(Contains(error, "absolute")) << error;
    EXPECT_TRUE(Contains(error, dir)) << error;
    EXPECT_EQ(std::string::npos, error.find('\n')) << "one line: " << error;
  }
  EXPECT_TRUE(Contains(ErrorOf({"run", "--config", "/c", "--state-dir=rel"}), "absolute"));
}

TEST(CommandLineTest, OnceOnlyAppliesToRun) {
  EXPECT_TRUE(Contains(ErrorOf({"check-config", "--config", "/c", "--once"}), "--once"));
  EXPECT_TRUE(Contains(ErrorOf({"version", "--once"}), "--once"));
}

TEST(CommandLineTest, DashCIsTheShortConfig) {
  CommandLine cl = Parse({"run", "-c", "/etc/e.json"});
  EXPECT_EQ("/etc/e.json", cl.config_path);
  EXPECT_EQ("/c", Parse({"-c", "/c"}).config_path) << "run, unnamed";
  EXPECT_EQ("/c", Parse({"doctor", "--write-test", "-c", "/c"}).config_path);
  EXPECT_EQ(Command::kCheckConfig, Parse({"check-config", "-c", "/c"}).command);
}

TEST(CommandLineTest, DashCWithoutAFileIsAnErrorNamingIt) {
  EXPECT_TRUE(Contains(ErrorOf({"run", "-c"}), "-c needs a value"));
  EXPECT_TRUE(Contains(ErrorOf({"run", "-c", ""}), "-c needs a value"));
  EXPECT_TRUE(Contains(ErrorOf({"run", "-c=/c"}), "unknown argument \"-c=/c\""));
}

TEST(CommandLineTest, AnOptionIsNotTakenForAFileThatWasForgotten) {
  EXPECT_TRUE(Contains(ErrorOf({"run", "-c", "--once"}),
                       "-c needs a value, not the option --once (a file of that name: ./--once)"));
  EXPECT_TRUE(Contains(ErrorOf({"run", "--config", "--once"}),
                       "--config needs a value, not the option --once"));
  EXPECT_TRUE(Contains(ErrorOf({"status", "--state-dir", "--json"}),
                       "--state-dir needs a value, not the option --json"));
  EXPECT_EQ("./--once", Parse({"run", "-c", "./--once"}).config_path);
  EXPECT_EQ("--odd", Parse({"run", "--config=--odd"}).config_path);
  EXPECT_TRUE(Contains(ErrorOf({"run", "-c", "-h"}), "-c needs a value, not the option -h"));
  EXPECT_EQ("./-x.json", Parse({"run", "-c", "./-x.json"}).config_path);
}

TEST(CommandLineTest, HelpOfOneCommand) {
  const std::pair<const char*, Command> topics[] = {{"run", Command::kRun},
                                                    {"check-config", Command::kCheckConfig},
                                                    {"doctor", Command::kDoctor},
                                                    {"version", Command::kVersion}};
  for (const auto& [name, command] : topics) {
    CommandLine cl = Parse({"help", name});
    EXPECT_EQ(Command::kHelp, cl.command) << name;
    EXPECT_EQ(command, cl.help_for) << name;
  }
  EXPECT_EQ(Command::kHelp, Parse({"help"}).help_for) << "all of it";
  EXPECT_EQ(Command::kHelpConfig, Parse({"help", "config"}).command);
}

TEST(CommandLineTest, HelpFlagAfterACommandIsThatCommandsHelp) {
  CommandLine cl = Parse({"doctor", "--help"});
  EXPECT_EQ(Command::kHelp, cl.command);
  EXPECT_EQ(Command::kDoctor, cl.help_for);
  EXPECT_EQ(Command::kHelp, Parse({"--help"}).help_for) << "no command named: all of it";
  EXPECT_EQ(Command::kHelp, Parse({"-c", "/c", "-h"}).help_for);
}

TEST(CommandLineTest, HelpOnAnUnknownTopicIsAnErrorNamingIt) {
  std::string error = ErrorOf({"help", "frobnicate"});
  EXPECT_TRUE(Contains(error, "frobnicate")) << error;
  EXPECT_TRUE(Contains(error, "doctor")) << "lists what there is: " << error;
  EXPECT_TRUE(Contains(ErrorOf({"help", "run", "extra"}), "extra"));
}

TEST(CommandLineTest, OneCommandsHelpHasItsSynopsisAndNoOtherCommand) {
  std::string run = CommandHelp(Command::kRun);
  EXPECT_TRUE(Contains(run, "edgelog run --config FILE")) << run;
  EXPECT_TRUE(Contains(run, "--once")) << run;
  EXPECT_TRUE(Contains(run, "-c FILE")) << run;
  EXPECT_FALSE(Contains(run, "check-config")) << run;
  EXPECT_FALSE(Contains(run, "exit codes")) << run;
  std::string doctor = CommandHelp(Command::kDoctor);
  EXPECT_TRUE(Contains(doctor, "--write-test")) << doctor;
  EXPECT_FALSE(Contains(doctor, "--once")) << doctor;
  EXPECT_TRUE(Contains(CommandHelp(Command::kVersion), "edgelog version"));
  EXPECT_EQ(UsageText(), CommandHelp(Command::kHelp));
}

TEST(CommandLineTest, AUsageErrorIsOneLinePointingToHelp) {
  EXPECT_EQ("edgelog: unknown argument \"--verbose\" (see edgelog help)\n",
            UsageErrorLine("unknown argument \"--verbose\""));
}

TEST(CommandLineTest, UsageNamesEveryCommandAndTheExitCodes) {
  std::string usage = UsageText();
  for (const char* word : {"run", "check-config", "doctor", "version", "help", "--config",
                           "-c FILE", "--state-dir", "--once", "--write-test", "exit codes"}) {
    EXPECT_TRUE(Contains(usage, word)) << word;
  }
}

TEST(CommandLineTest, StatusTakesAConfigOrAStateDirOrNeitherAndJson) {
  CommandLine cl = Parse({"status", "--state-dir", "/var/lib/edgelog", "--json"});
  EXPECT_EQ(Command::kStatus, cl.command);
  EXPECT_EQ("/var/lib/edgelog", cl.state_dir);
  EXPECT_TRUE(cl.json);
  cl = Parse({"status", "--config", "/etc/edgelog.json"});
  EXPECT_EQ("/etc/edgelog.json", cl.config_path);
  EXPECT_FALSE(cl.json);
  EXPECT_EQ(Command::kStatus, Parse({"status"}).command) << "the default state directory";
  EXPECT_TRUE(Contains(ErrorOf({"status", "--config", "/c", "--state-dir", "/s"}),
                       "status reads --config or --state-dir, not both"));
}

TEST(CommandLineTest, JsonOnlyAppliesToStatus) {
  EXPECT_TRUE(Contains(ErrorOf({"run", "--config", "/c", "--json"}), "--json only applies to status"));
  EXPECT_TRUE(Contains(ErrorOf({"status", "--state-dir", "relative"}), "absolute"));
}

}  // namespace
}  // namespace edgelog
