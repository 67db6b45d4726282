#include "align/transliteration.h"

#include <algorithm>
#include <vector>

#include "base/strings.h"
#include "base/tsv.h"
#include "base/utf8.h"

namespace quotematch {
namespace {

void AppendCollapsed(std::string_view piece, std::string* out) {
  for (char c : piece) {
    if (!out->empty() && out->back() == c) continue;  // Abbas → bs, عباس → bs
    out->push_back(c);
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<NameSkeletons>> NameSkeletons::Load(std::string_view tsv) {
  std::unique_ptr<NameSkeletons> t(new NameSkeletons());
  absl::Status s = ForEachTsvRecord(tsv, "fa_latin.tsv", 3, 3, [&](const TsvRecord& r) {
    std::string to = r.fields[2] == "-" ? "" : std::string(r.fields[2]);
    if (r.fields[0] == "fa") {
      size_t i = 0;
      char32_t c = DecodeUtf8(r.fields[1], &i);
      if (i != r.fields[1].size()) return r.Error("fa rule must map one letter");
      if (!t->fa_.emplace(c, to).second) return r.Error("duplicate fa rule");
    } else if (r.fields[0] == "en") {
      if (r.fields[1].size() > 2) return r.Error("en rule must map one or two letters");
      if (!t->en_.emplace(std::string(r.fields[1]), to).second) return r.Error("duplicate en rule");
    } else {
      return r.Error("script must be fa or en");
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return t;
}

std::string NameSkeletons::English(std::string_view key) const {
  std::string out;
  // A final -eh or -ah spells a Persian final heh, which is a vowel
  // (Fatemeh = فاطمه, Basrah = بصره, Kermanshah = کرمانشاه); -llah is الله.
  if (key.size() > 3 && (key.ends_with("eh") || key.ends_with("ah")) && !key.ends_with("llah")) key.remove_suffix(1);
  for (size_t i = 0; i < key.size();) {
    if (i + 1 < key.size()) {
      if (auto it = en_.find(AsAbsl(key.substr(i, 2))); it != en_.end()) {
        AppendCollapsed(it->second, &out);
        i += 2;
        continue;
      }
    }
    if (auto it = en_.find(AsAbsl(key.substr(i, 1))); it != en_.end()) {
      AppendCollapsed(it->second, &out);
    } else if (static_cast<unsigned char>(key[i]) < 0x80 && key[i] != '-') {
      AppendCollapsed(key.substr(i, 1), &out);
    }
    i += Utf8SequenceLength(static_cast<unsigned char>(key[i]));
  }
  return out;
}

std::string NameSkeletons::Persian(std::string_view key) const {
  std::string out;
  for (size_t i = 0; i < key.size();) {
    size_t at = i;
    char32_t c = DecodeUtf8(key, &i);
    // A silent final heh keeps its written ی-suffix (خامنه‌ای = Khamenei):
    // the heh is a vowel there, not h.
    if (c == U'ه' && at > 0 && key.substr(i) == "ای") continue;
    // A word-final heh is a vowel (فاطمه = Fatima, بصره = Basra, ساوه = Saveh),
    // except in الله (Abdullah).
    if (c == U'ه' && i == key.size() && at > 0 && !key.ends_with("لله")) continue;
    if (auto it = fa_.find(c); it != fa_.end()) {
      AppendCollapsed(it->second, &out);
    } else if (c < 0x80) {
      out.append(English(key.substr(at, i - at)));
    }
  }
  return out;
}

bool SkeletonsMatch(std::string_view a, std::string_view b) {
  // English writes ش and the pair س+ح/ه alike: sh (Ishaq = اسحاق).
  std::string a2, b2;
  auto sh = [](std::string_view s, std::string* out) {
    if (s.find("sh") == std::string_view::npos) return s;
    out->assign(s);
    for (size_t p; (p = out->find("sh")) != std::string::npos;) out->replace(p, 2, "$");
    return std::string_view(*out);
  };
  a = sh(a, &a2);
  b = sh(b, &b2);
  // A final h is unreliable across scripts (ح/ه at the end: Rafah = رفح).
  if (a.size() > 2 && a.back() == 'h') a.remove_suffix(1);
  if (b.size() > 2 && b.back() == 'h') b.remove_suffix(1);
  if (a.size() < 2 || b.size() < 2) return false;
  if (a == b) return true;
  if (a.size() < 4 || b.size() < 4) return false;
  if (a.size() > b.size() + 1 || b.size() > a.size() + 1) return false;
  // Levenshtein distance ≤ 1.
  size_t i = 0, j = 0, edits = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) {
      ++i, ++j;
      continue;
    }
    if (++edits > 1) return false;
    if (a.size() > b.size()) ++i;
    else if (b.size() > a.size()) ++j;
    else ++i, ++j;
  }
  edits += (a.size() - i) + (b.size() - j);
  return edits <= 1;
}

}  // namespace quotematch
