// The shared credentials and config files, read as the AWS CLI (botocore)
// reads them, and the credentials their profile leads to.
#include "agent/aws/creds/profile.h"

#include <cjson/cJSON.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/io/file_util.h"
#include "agent/text/ascii.h"

namespace edgelog {
namespace {

// Far above any real credentials or config file; guards against reading a
// wrong path that names something huge.
constexpr size_t kMaxSharedFileBytes = 4 << 20;
// What the AWS CLI allows a credential_process (botocore has no timeout; a
// credential helper that has not answered in a minute is stuck).
constexpr int64_t kCredentialProcessTimeoutMs = 60 * 1000;
constexpr size_t kCredentialProcessMaxOutput = 64 * 1024;
// A web identity token (a JWT) is a few kilobytes.
constexpr size_t kMaxWebIdentityTokenBytes = 64 * 1024;

bool IsBlank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

// ---------------------------------------------------------------------------
// Where the files are.

struct SharedPaths {
  std::string credentials;
  std::string config;
};

// `value` with a leading "~/" replaced by HOME (left as it is when HOME is
// not set: such a path does not exist).
std::string ExpandHome(const std::string& value, const std::optional<std::string>& home) {
  if (home && !home->empty() && (value == "~" || value.compare(0, 2, "~/") == 0)) {
    return *home + value.substr(1);
  }
  return value;
}

SharedPaths ResolvePaths(Env& env) {
  const std::optional<std::string> home = env.GetVar("HOME");
  auto pick = [&](const char* variable, const char* default_name) {
    std::optional<std::string> set = env.GetVar(variable);
    if (set && !set->empty()) return ExpandHome(*set, home);
    return ExpandHome(std::string("~/.aws/") + default_name, home);
  };
  return {pick("AWS_SHARED_CREDENTIALS_FILE", "credentials"), pick("AWS_CONFIG_FILE", "config")};
}

// The profile asked for, and whether AWS_PROFILE asked for it.
struct ProfileChoice {
  std::string name = "default";
  bool from_variable = false;
};

ProfileChoice ChooseProfile(Env& env) {
  ProfileChoice choice;
  std::optional<std::string> set = env.GetVar("AWS_PROFILE");
  if (set && !set->empty()) {
    choice.name = *set;
    choice.from_variable = true;
  }
  return choice;
}

// One file, parsed; a missing file reads as empty.
StatusOr<IniFile> LoadIni(Env& env, const std::string& path) {
  StatusOr<std::string> text = ReadWholeFile(env, path, kMaxSharedFileBytes);
  if (!text.ok()) {
    if (text.status().code() == Code::kNotFound) return IniFile();
    return text.status();
  }
  return ParseIni(*text, path);
}

// ---------------------------------------------------------------------------
// A profile as both files define it.

struct Setting {
  std::string value;
  std::string file;  // where it was read, for messages
};

struct Profile {
  std::string name;
  bool exists = false;  // some file has a section for it
  std::map<std::string, Setting> settings;

  const Setting* Find(const std::string& key) const {
    auto it = settings.find(key);
    return it == settings.end() ? nullptr : &it->second;
  }
  std::string Value(const std::string& key) const {
    const Setting* s = Find(key);
    return s != nullptr ? s->value : "";
  }
  bool Has(const std::string& key) const { return Find(key) != nullptr; }
};

void MergeSection(const std::map<std::string, std::string>& section, const std::string& file,
                  Profile* profile) {
  profile->exists = true;
  for (const auto& [key, value] : section) profile->settings[key] = Setting{value, file};
}

// The profile's section name in the config file, or "" when `section` names
// no profile ("[profile x]" → "x"; "[default]" → "default").
std::string ConfigProfileName(const std::string& section) {
  if (section == "default") return section;
  constexpr std::string_view kPrefix = "profile";
  if (section.size() > kPrefix.size() && section.compare(0, kPrefix.size(), kPrefix) == 0 &&
      IsBlank(section[kPrefix.size()])) {
    return TrimAsciiSpace(std::string_view(section).substr(kPrefix.size()));
  }
  return "";
}

// Config file first ("[default]", then "[profile default]"), then the
// credentials file: its keys win, as in botocore.
Profile LookUpProfile(const std::string& name, const IniFile& credentials,
                      const std::string& credentials_path, const IniFile& config,
                      const std::string& config_path) {
  Profile profile;
  profile.name = name;
  if (name == "default") {
    auto it = config.find("default");
    if (it != config.end()) MergeSection(it->second, config_path, &profile);
  }
  for (const auto& [section, keys] : config) {
    if (section != "default" && ConfigProfileName(section) == name) {
      MergeSection(keys, config_path, &profile);
    }
  }
  auto it = credentials.find(name);
  if (it != credentials.end()) MergeSection(it->second, credentials_path, &profile);
  return profile;
}

// ---------------------------------------------------------------------------
// The credential_process's answer.

using JsonPtr = std::unique_ptr<cJSON, void (*)(cJSON*)>;

StatusOr<SourcedCredentials> ParseProcessOutput(const std::string& output,
                                                const std::string& profile) {
  const std::string who = "credential_process of profile " + profile;
  const char* end = nullptr;
  JsonPtr root(cJSON_ParseWithLengthOpts(output.data(), output.size(), &end, false),
               cJSON_Delete);
  // Nothing but white space may follow the object.
  const bool only_blanks_after =
      root != nullptr && std::all_of(end, output.data() + output.size(),
                                     [](char c) { return IsBlank(c) || c == '\n'; });
  if (root == nullptr || !cJSON_IsObject(root.get()) || !only_blanks_after) {
    return Status::InvalidArgument(
        who + " did not print a JSON object; it must print {\"Version\": 1, "
              "\"AccessKeyId\": ..., \"SecretAccessKey\": ...}");
  }
  const cJSON* version = cJSON_GetObjectItemCaseSensitive(root.get(), "Version");
  if (!cJSON_IsNumber(version)) {
    return Status::InvalidArgument(who + " printed no numeric \"Version\"; it must be 1");
  }
  if (version->valuedouble != 1) {
    char shown[32];
    std::snprintf(shown, sizeof(shown), "%g", version->valuedouble);
    return Status::InvalidArgument(who + " printed \"Version\": " + shown +
                                   "; edgelog understands only Version 1");
  }
  // A string member: "" when absent (or null); an error when of another type
  // or empty while `required`. Never quotes the value.
  auto text = [&](const char* key, bool required, std::string* out) -> Status {
    const cJSON* item = cJSON_GetObjectItemCaseSensitive(root.get(), key);
    if (item == nullptr || cJSON_IsNull(item)) {
      if (required) return Status::InvalidArgument(who + " printed no \"" + key + "\"");
      return Status::Ok();
    }
    if (!cJSON_IsString(item) || item->valuestring == nullptr) {
      return Status::InvalidArgument(who + " printed a \"" + key + "\" that is not a string");
    }
    *out = item->valuestring;
    if (required && out->empty()) {
      return Status::InvalidArgument(who + " printed an empty \"" + key + "\"");
    }
    return Status::Ok();
  };
  SourcedCredentials result;
  std::string expiration;
  EDGELOG_RETURN_IF_ERROR(text("AccessKeyId", true, &result.credentials.access_key_id));
  EDGELOG_RETURN_IF_ERROR(text("SecretAccessKey", true, &result.credentials.secret_access_key));
  EDGELOG_RETURN_IF_ERROR(text("SessionToken", false, &result.credentials.session_token));
  EDGELOG_RETURN_IF_ERROR(text("Expiration", false, &expiration));
  if (!expiration.empty()) {
    StatusOr<int64_t> ms = ParseExpirationMillis(expiration);
    if (!ms.ok()) {
      return Status::InvalidArgument(who + " printed a bad \"Expiration\": " +
                                     ms.status().message());
    }
    result.expires_unix_ms = *ms;
  }
  result.source = who;
  return result;
}

// ---------------------------------------------------------------------------
// From a profile to credentials.

// One parsed file, read again only when its path, identity, size or mtime
// changed.
class CachedIni {
 public:
  Status Refresh(Env& env, const std::string& path) {
    StatusOr<FileInfo> info = env.Stat(path);
    if (!info.ok() && info.status().code() != Code::kNotFound) return info.status();
    const bool exists = info.ok();
    if (loaded_ && path == path_ && exists == exists_ &&
        (!exists || (info->id == info_.id && info->size == info_.size &&
                     info->mtime_ns == info_.mtime_ns))) {
      return Status::Ok();
    }
    loaded_ = false;
    IniFile ini;
    if (exists) {
      StatusOr<IniFile> parsed = LoadIni(env, path);
      if (!parsed.ok()) return parsed.status();
      ini = std::move(parsed).value();
      info_ = *info;
    }
    ini_ = std::move(ini);
    path_ = path;
    exists_ = exists;
    loaded_ = true;
    return Status::Ok();
  }

  const IniFile& ini() const { return ini_; }
  bool exists() const { return exists_; }

 private:
  bool loaded_ = false;
  std::string path_;
  bool exists_ = false;
  FileInfo info_;
  IniFile ini_;
};

class ProfileSource final : public CredentialSource {
 public:
  ProfileSource(Env& env, StsClient& sts, ProcessRunner& processes)
      : env_(env), sts_(sts), processes_(processes) {}

  StatusOr<SourcedCredentials> Fetch() override {
    paths_ = ResolvePaths(env_);
    EDGELOG_RETURN_IF_ERROR(credentials_.Refresh(env_, paths_.credentials));
    EDGELOG_RETURN_IF_ERROR(config_.Refresh(env_, paths_.config));
    const ProfileChoice choice = ChooseProfile(env_);
    Profile profile = LookUp(choice.name);
    if (!profile.exists) {
      if (choice.from_variable) {
        return Status::InvalidArgument(
            "profile " + choice.name + " (AWS_PROFILE) is not in " + paths_.credentials +
            " or " + paths_.config + "; add it there or change AWS_PROFILE");
      }
      if (!credentials_.exists() && !config_.exists()) {
        return Status::NotFound("neither " + paths_.credentials + " nor " + paths_.config +
                                " exists");
      }
      return Status::NotFound("no default profile in " + paths_.credentials + " or " +
                              paths_.config);
    }
    return FromProfile(profile);
  }

  std::string Name() const override { return "shared files"; }

 private:
  Profile LookUp(const std::string& name) const {
    return LookUpProfile(name, credentials_.ini(), paths_.credentials, config_.ini(),
                         paths_.config);
  }

  // The order of botocore: role_arn, then static keys, then
  // credential_process.
  StatusOr<SourcedCredentials> FromProfile(const Profile& profile) {
    if (profile.Has("role_arn")) {
      std::vector<std::string> chain = {profile.name};
      return AssumeRoleOf(profile, &chain);
    }
    StatusOr<SourcedCredentials> keys = StaticKeys(profile);
    if (keys.ok() || keys.status().code() != Code::kNotFound) return keys;
    if (profile.Has("credential_process")) return FromProcess(profile);
    for (const char* key : {"source_profile", "credential_source", "web_identity_token_file"}) {
      if (const Setting* s = profile.Find(key)) {
        return Status::InvalidArgument("profile " + profile.name + " in " + s->file + " has " +
                                       key + " but no role_arn; add the role_arn to assume");
      }
    }
    for (const auto& [key, setting] : profile.settings) {
      if (key.compare(0, 4, "sso_") == 0) {
        return Status::InvalidArgument(
            "profile " + profile.name + " in " + setting.file +
            " uses IAM Identity Center (" + key +
            "), which edgelog does not support yet; set credential_process = aws configure "
            "export-credentials --profile " + profile.name + " --format process in another "
            "profile and use that one");
      }
    }
    return Status::NotFound("profile " + profile.name + " has no credentials (no "
                            "aws_access_key_id, role_arn or credential_process)");
  }

  // aws_access_key_id and aws_secret_access_key (and aws_session_token).
  // kNotFound when neither key is there.
  StatusOr<SourcedCredentials> StaticKeys(const Profile& profile) {
    const Setting* id = profile.Find("aws_access_key_id");
    const Setting* secret = profile.Find("aws_secret_access_key");
    const Setting* token = profile.Find("aws_session_token");
    if (id == nullptr && secret == nullptr) {
      if (token != nullptr) {
        return Status::InvalidArgument(
            "profile " + profile.name + " in " + token->file +
            " has aws_session_token but no aws_access_key_id and aws_secret_access_key; "
            "add them next to it");
      }
      return Status::NotFound("profile " + profile.name + " has no aws_access_key_id");
    }
    if (id == nullptr || secret == nullptr) {
      const Setting* present = id != nullptr ? id : secret;
      const char* has = id != nullptr ? "aws_access_key_id" : "aws_secret_access_key";
      const char* lacks = id != nullptr ? "aws_secret_access_key" : "aws_access_key_id";
      return Status::InvalidArgument("profile " + profile.name + " in " + present->file +
                                     " has " + has + " but no " + lacks +
                                     "; add the missing key or remove the other");
    }
    for (const auto& [setting, key] :
         {std::pair{id, "aws_access_key_id"}, std::pair{secret, "aws_secret_access_key"}}) {
      if (setting->value.empty()) {
        return Status::InvalidArgument("profile " + profile.name + " in " + setting->file +
                                       " has an empty " + key + "; fill it in");
      }
    }
    SourcedCredentials result;
    result.credentials.access_key_id = id->value;
    result.credentials.secret_access_key = secret->value;
    if (token != nullptr) result.credentials.session_token = token->value;
    result.source = "profile " + profile.name + " (" + id->file + ")";
    return result;
  }

  StatusOr<SourcedCredentials> FromProcess(const Profile& profile) {
    const std::string command = profile.Value("credential_process");
    if (TrimAsciiSpace(command).empty()) {
      return Status::InvalidArgument("profile " + profile.name + " in " +
                                     profile.Find("credential_process")->file +
                                     " has an empty credential_process; name the command");
    }
    // The command itself is not quoted in messages: it may carry a secret.
    StatusOr<std::string> output =
        processes_.Run(command, kCredentialProcessTimeoutMs, kCredentialProcessMaxOutput);
    if (!output.ok()) {
      return Status(output.status().code(), "credential_process of profile " + profile.name +
                                                ": " + output.status().message());
    }
    return ParseProcessOutput(*output, profile.name);
  }

  // STS AssumeRole of `profile`'s role_arn with the credentials its
  // source_profile or credential_source gives. `chain`: the profiles
  // visited so far, `profile` last.
  StatusOr<SourcedCredentials> AssumeRoleOf(const Profile& profile,
                                            std::vector<std::string>* chain) {
    const Setting* role = profile.Find("role_arn");
    const std::string where = "profile " + profile.name + " in " + role->file;
    if (role->value.empty()) return Status::InvalidArgument(where + " has an empty role_arn");
    if (profile.Has("mfa_serial")) {
      return Status::InvalidArgument(
          where + " has mfa_serial, which needs a code typed at a terminal; edgelog cannot "
                  "ask for one, so use a role that needs no MFA");
    }
    const bool has_source = profile.Has("source_profile");
    const bool has_credential_source = profile.Has("credential_source");
    if (has_source && has_credential_source) {
      return Status::InvalidArgument(where +
                                     " has both source_profile and credential_source; keep one");
    }
    const std::string session = profile.Has("role_session_name")
                                    ? profile.Value("role_session_name")
                                    : DefaultSessionName(env_);
    if (!has_source && !has_credential_source && profile.Has("web_identity_token_file")) {
      return WebIdentityOf(profile, session);
    }
    if (!has_source && !has_credential_source) {
      return Status::InvalidArgument(where +
                                     " has role_arn but no source_profile or "
                                     "credential_source; add source_profile = PROFILE");
    }
    StatusOr<SourcedCredentials> caller =
        has_source ? FromSourceProfile(profile, chain) : FromCredentialSource(profile);
    if (!caller.ok()) return caller.status();
    StatusOr<SourcedCredentials> assumed = sts_.AssumeRole(
        caller->credentials, role->value, session, profile.Value("external_id"));
    if (!assumed.ok()) {
      return Status(assumed.status().code(),
                    "profile " + profile.name + ": " + assumed.status().message());
    }
    assumed->source = "role " + role->value + " assumed with profile " + profile.name;
    return assumed;
  }

  // The credentials of `parent`'s source_profile: its static keys, else its
  // own role, else its credential_process (botocore's order).
  StatusOr<SourcedCredentials> FromSourceProfile(const Profile& parent,
                                                 std::vector<std::string>* chain) {
    const Setting* source = parent.Find("source_profile");
    const std::string where = "profile " + parent.name + " in " + source->file;
    Profile profile = LookUp(source->value);
    if (!profile.exists) {
      return Status::InvalidArgument(where + " has source_profile " + source->value +
                                     ", which is not in " + paths_.credentials + " or " +
                                     paths_.config);
    }
    if (std::find(chain->begin(), chain->end(), profile.name) != chain->end()) {
      // A profile may name itself to use its own static keys for its role.
      if (profile.name == parent.name) {
        StatusOr<SourcedCredentials> keys = StaticKeys(profile);
        if (keys.ok() || keys.status().code() != Code::kNotFound) return keys;
      }
      std::string loop;
      for (const std::string& name : *chain) loop += name + " -> ";
      return Status::InvalidArgument(where + " starts a source_profile loop (" + loop +
                                     profile.name +
                                     "); end the chain at a profile with static keys");
    }
    chain->push_back(profile.name);
    StatusOr<SourcedCredentials> keys = StaticKeys(profile);
    if (keys.ok() || keys.status().code() != Code::kNotFound) return keys;
    if (profile.Has("role_arn")) return AssumeRoleOf(profile, chain);
    if (profile.Has("credential_process")) return FromProcess(profile);
    return Status::InvalidArgument(where + " has source_profile " + profile.name +
                                   ", which has no credentials; give it aws_access_key_id "
                                   "and aws_secret_access_key, a role_arn or a "
                                   "credential_process");
  }

  StatusOr<SourcedCredentials> FromCredentialSource(const Profile& profile) {
    const Setting* setting = profile.Find("credential_source");
    const std::string where = "profile " + profile.name + " in " + setting->file;
    if (setting->value == "Environment") {
      SourcedCredentials result;
      result.credentials.access_key_id = env_.GetVar("AWS_ACCESS_KEY_ID").value_or("");
      result.credentials.secret_access_key = env_.GetVar("AWS_SECRET_ACCESS_KEY").value_or("");
      result.credentials.session_token = env_.GetVar("AWS_SESSION_TOKEN").value_or("");
      if (result.credentials.access_key_id.empty() ||
          result.credentials.secret_access_key.empty()) {
        return Status::InvalidArgument(where +
                                       " has credential_source Environment, but "
                                       "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not "
                                       "both set");
      }
      result.source = "environment";
      return result;
    }
    if (setting->value == "Ec2InstanceMetadata" || setting->value == "EcsContainer") {
      return Status::InvalidArgument(
          where + " has credential_source " + setting->value +
          ", which edgelog does not support yet; unset AWS_PROFILE to use the " +
          (setting->value == "EcsContainer" ? "task role" : "instance role") + " directly");
    }
    return Status::InvalidArgument(where + " has credential_source \"" + setting->value +
                                   "\"; use Environment, Ec2InstanceMetadata or "
                                   "EcsContainer");
  }

  StatusOr<SourcedCredentials> WebIdentityOf(const Profile& profile,
                                             const std::string& session) {
    const Setting* file = profile.Find("web_identity_token_file");
    const std::string role_arn = profile.Value("role_arn");
    const std::string path = ExpandHome(file->value, env_.GetVar("HOME"));
    StatusOr<std::string> token = ReadWholeFile(env_, path, kMaxWebIdentityTokenBytes);
    if (!token.ok()) {
      return Status(token.status().code(), "profile " + profile.name + " in " + file->file +
                                               ": web_identity_token_file: " +
                                               token.status().message());
    }
    StatusOr<SourcedCredentials> assumed =
        sts_.AssumeRoleWithWebIdentity(role_arn, session, *token);
    if (!assumed.ok()) {
      return Status(assumed.status().code(),
                    "profile " + profile.name + ": " + assumed.status().message());
    }
    assumed->source = "role " + role_arn + " assumed with the web identity of profile " +
                      profile.name;
    return assumed;
  }

  Env& env_;
  StsClient& sts_;
  ProcessRunner& processes_;
  SharedPaths paths_;
  CachedIni credentials_;
  CachedIni config_;
};

}  // namespace

std::unique_ptr<CredentialSource> NewProfileSource(Env& env, StsClient& sts,
                                                   ProcessRunner& processes) {
  return std::make_unique<ProfileSource>(env, sts, processes);
}

std::string ProfileRegion(Env& env) {
  const SharedPaths paths = ResolvePaths(env);
  StatusOr<IniFile> credentials = LoadIni(env, paths.credentials);
  StatusOr<IniFile> config = LoadIni(env, paths.config);
  // A broken file is reported by the credential source; here it holds no
  // region.
  Profile profile = LookUpProfile(ChooseProfile(env).name,
                                  credentials.ok() ? *credentials : IniFile(),
                                  paths.credentials, config.ok() ? *config : IniFile(),
                                  paths.config);
  return profile.Value("region");
}

}  // namespace edgelog
