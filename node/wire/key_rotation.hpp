// Rotating pair keys without a cluster restart (clocksyncctl keygen --rotate, then --retire).
// A node signs with the highest key id it holds for a peer and accepts every id it lists, and
// reloads its key file on SIGHUP. So: add keys with a new id to every member's file and reload
// each member (it signs with the new id at once and still accepts the old one from members not
// yet reloaded); once all have reloaded, keep only the new id and reload again, after which a
// stolen old key opens nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace clocksim::node::wire {

// `text` (a keyring file's text) without the pair keys whose key id is not `key_id`; comments
// and blank lines are kept. Lines are recognised as parse_keyring_text reads them.
std::string keep_key_id(const std::string& text, std::uint32_t key_id);

// Replaces the secret file at `path` by `text` atomically (a temporary beside it, mode 0600,
// fsync, rename), so a daemon reloading meanwhile reads the old file or the new one, never half
// of one; the new file keeps the old one's owner and group (as root, a file the daemon's user
// owns stays readable by that user for its next reload).
std::optional<std::string> replace_secret_file(const std::string& path, const std::string& text);

}  // namespace clocksim::node::wire
