#include "sim/sweep/run_folder_name.hpp"

#include <cstdint>
#include <cstdio>

namespace clocksim::sweep {

std::string sanitize_for_folder(const std::string& text) {
  std::string out;
  for (const char c : text) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                      c == '-' || c == '+' || c == '_';
    out += keep ? c : '_';
  }
  return out.empty() ? "_" : out;
}

std::string stable_tag(const std::string& text) {
  std::uint64_t h = 1469598103934665603ULL;
  for (const unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return std::string(buf, 8);
}

namespace {
// `keep` bytes of `text`, then "~" and the tag of `tagged`. Sanitized text is ASCII, so any
// byte count is a character boundary.
std::string cut(const std::string& text, std::size_t keep, const std::string& tagged) {
  return text.substr(0, keep) + "~" + stable_tag(tagged);
}

std::string joined(const std::vector<std::string>& names, const std::vector<std::string>& values,
                   const std::string& seed_text) {
  std::string folder;
  for (std::size_t i = 0; i < names.size(); ++i) folder += (folder.empty() ? "" : ",") + names[i] + "=" + values[i];
  if (!seed_text.empty()) folder += (folder.empty() ? "" : ",") + std::string("seed=") + seed_text;
  return folder;
}
}  // namespace

std::string run_folder_name(const std::vector<std::string>& names, const std::vector<std::string>& values,
                            const std::string& seed_text) {
  std::vector<std::string> shown_names, shown;
  for (const std::string& n : names) shown_names.push_back(sanitize_for_folder(n));
  for (const std::string& v : values) shown.push_back(sanitize_for_folder(v));
  std::string folder = joined(shown_names, shown, seed_text);
  if (folder.size() <= kMaxRunFolderBytes) return folder;

  constexpr std::size_t kTagBytes = 9;  // "~" and eight hex digits
  for (std::size_t i = 0; i < shown.size(); ++i) {
    // Tagged by the value as written, so that two values cut to the same start stay apart.
    if (shown[i].size() > kMaxShortenedValueBytes) shown[i] = cut(shown[i], kMaxShortenedValueBytes - kTagBytes, values[i]);
  }
  const std::string shortened = joined(shown_names, shown, seed_text);
  if (shortened.size() <= kMaxRunFolderBytes) return shortened;
  return cut(shortened, kMaxRunFolderBytes - kTagBytes, folder);
}

}  // namespace clocksim::sweep
