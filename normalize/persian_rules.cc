#include "normalize/persian_rules.h"

#include <cstdlib>

#include "base/status_macros.h"
#include "base/strings.h"
#include "base/tsv.h"
#include "qm_data.h"

namespace quotematch {
namespace {

constexpr std::string_view kPreverbs[] = {"بر", "در", "باز", "فرا", "فرو", "وا", "ور"};
constexpr std::string_view kPresentEndings[] = {"م", "ی", "د", "یم", "ید", "ند", "یی"};
constexpr std::string_view kColloquialPresentEndings[] = {"ه", "ن", "ین", "م", "ی", "یم"};
constexpr std::string_view kPastEndings[] = {"", "م", "ی", "یم", "ید", "ند"};
constexpr std::string_view kColloquialPastEndings[] = {"ن", "ین"};

size_t Letters(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

void AddForms(std::string_view stem, const std::string_view* endings, size_t n,
              absl::flat_hash_set<std::string>* out) {
  for (size_t i = 0; i < n; ++i) {
    std::string form = StrCat(stem, endings[i]);
    if (Letters(form) >= 2) out->insert(std::move(form));
  }
}

absl::Status LoadWords(std::string_view text, std::string_view file,
                       absl::flat_hash_set<std::string>* out) {
  return ForEachTsvRecord(text, file, 1, 1, [&](const TsvRecord& r) {
    if (!out->insert(std::string(r.fields[0])).second) return r.Error("duplicate word");
    return absl::OkStatus();
  });
}

}  // namespace

absl::StatusOr<std::unique_ptr<PersianWordRules>> PersianWordRules::Load(const PersianWordData& data) {
  std::unique_ptr<PersianWordRules> r(new PersianWordRules());
  absl::flat_hash_set<std::string> infinitives;
  RETURN_IF_ERROR(ForEachTsvRecord(data.verbs, "fa_verbs.tsv", 3, 4, [&](const TsvRecord& rec) {
    Verb v{std::string(rec.fields[0]), std::string(rec.fields[1]), std::string(rec.fields[2]), {}};
    if (!EndsWith(v.infinitive, "ن") || v.infinitive.substr(0, v.infinitive.size() - 2) != v.past) {
      return rec.Error("past stem must be the infinitive without its final ن");
    }
    if (!infinitives.insert(v.infinitive).second) return rec.Error("duplicate infinitive");
    if (rec.fields.size() == 4) {
      for (std::string_view c : Split(rec.fields[3], ',', true)) v.colloquial.emplace_back(Strip(c));
    }
    r->verbs_.push_back(std::move(v));
    return absl::OkStatus();
  }));
  r->verb_count_ = r->verbs_.size();
  for (const Verb& v : r->verbs_) {
    r->past_stems_.insert(v.past);
    absl::flat_hash_set<std::string> forms;
    AddForms(v.present, kPresentEndings, std::size(kPresentEndings), &forms);
    AddForms(v.past, kPastEndings, std::size(kPastEndings), &forms);
    AddForms(v.past, kColloquialPastEndings, std::size(kColloquialPastEndings), &forms);
    for (const std::string& c : v.colloquial) {
      AddForms(c, kColloquialPresentEndings, std::size(kColloquialPresentEndings), &forms);
    }
    for (const std::string& f : forms) r->verb_forms_.insert(f);
    // A verb written with a preverb (برگشتن) gives its simple part's forms to
    // that preverb: بر + می + گردد.
    for (std::string_view p : kPreverbs) {
      if (StartsWith(v.infinitive, p) && v.infinitive.size() > p.size() + 4) {
        std::string_view simple_present = std::string_view(v.present).substr(
            StartsWith(v.present, p) ? p.size() : 0);
        std::string_view simple_past = std::string_view(v.past).substr(p.size());
        auto& set = r->preverb_forms_[std::string(p)];
        AddForms(simple_present, kPresentEndings, std::size(kPresentEndings), &set);
        AddForms(simple_past, kPastEndings, std::size(kPastEndings), &set);
      }
    }
  }
  RETURN_IF_ERROR(LoadWords(data.bound_suffixes, "fa_bound_suffixes.txt", &r->bound_));
  RETURN_IF_ERROR(LoadWords(data.not_plural, "fa_not_plural.txt", &r->not_plural_));
  RETURN_IF_ERROR(LoadWords(data.not_verbs, "fa_not_verbs.txt", &r->not_verbs_));
  RETURN_IF_ERROR(ForEachTsvRecord(data.joins, "fa_joins.tsv", 2, 2, [&](const TsvRecord& rec) {
    size_t words = Split(rec.fields[0], ' ', true).size();
    if (words < 2 || words > 3) return rec.Error("a join has 2 or 3 words");
    r->join_starts_.insert(std::string(Split(rec.fields[0], ' ', true)[0]));
    if (!r->joins_.emplace(std::string(rec.fields[0]), std::string(rec.fields[1])).second) {
      return rec.Error("duplicate join");
    }
    return absl::OkStatus();
  }));
  auto add = [&](std::string_view w, uint16_t role) { r->roles_[std::string(w)] |= role; };
  add("می", kMi);
  add("نمی", kMi);
  for (std::string_view p : kPreverbs) add(p, kPreverb);
  add("بی", kBi);
  for (const auto& w : r->join_starts_) add(w, kJoinStart);
  for (const auto& [spaced, joined] : r->joins_) add(Split(spaced, ' ', true)[1], kJoinSecond);
  for (std::string_view w : {"ها", "های", "هایی", "هایم", "هایت", "هایش", "هایمان", "هایتان", "هایشان", "هامان",
                             "هاتان", "هاشان", "هامون", "هاتون", "هاشون"}) {
    add(w, kPluralWord);
  }
  add("تر", kTar);
  add("ترین", kTar);
  for (std::string_view w : {"ام", "ات", "اش", "ایم", "اید", "اند", "ای", "مان", "تان", "شان", "مون", "تون", "شون"}) {
    add(w, kClitic);
  }
  for (const auto& w : r->bound_) add(w, kBound);
  size_t buckets = 16;
  while (buckets < 16 * r->roles_.size() && buckets < 4096) buckets *= 2;
  if (2 * r->roles_.size() > buckets) {
    return absl::InvalidArgumentError("more than 2048 words with roles: the roles table holds 4096 buckets");
  }
  r->role_tags_.assign(buckets, 0);
  r->role_slots_.assign(buckets, RoleSlot{});
  r->role_shift_ = 64 - static_cast<unsigned>(__builtin_ctzll(buckets));
  for (const auto& [w, role] : r->roles_) {
    if (w.size() > 16) {
      r->long_roles_ = true;
      continue;
    }
    RoleSlot slot;
    unsigned char buf[16] = {};
    std::memcpy(buf, w.data(), w.size());
    std::memcpy(&slot.lo, buf, 8);
    std::memcpy(&slot.hi, buf + 8, 8);
    slot.len = static_cast<uint8_t>(w.size());
    slot.roles = role;
    const uint64_t h = RoleHash(slot.lo, slot.hi, slot.len);
    size_t i = h >> r->role_shift_;
    while (r->role_tags_[i] != 0) i = (i + 1) & (buckets - 1);
    r->role_tags_[i] = RoleTag(h);
    r->role_slots_[i] = slot;
    r->role_used_[i >> 6] |= uint64_t{1} << (i & 63);
  }
  return r;
}

const PersianWordRules& PersianWordRules::Default() {
  static const PersianWordRules* rules = [] {
    auto loaded = Load({data::kPersianVerbs, data::kPersianJoins, data::kPersianBoundSuffixes,
                        data::kPersianNotPlural, data::kPersianNotVerbs});
    if (!loaded.ok()) std::abort();  // embedded data is pinned by tests
    return loaded->release();
  }();
  return *rules;
}

uint16_t PersianWordRules::LongRoles(std::string_view word) const {
  if (!long_roles_) return 0;
  auto it = roles_.find(AsAbsl(word));
  return it == roles_.end() ? 0 : it->second;
}

bool PersianWordRules::IsVerbAfterMi(std::string_view rest) const {
  return verb_forms_.contains(AsAbsl(rest));
}

bool PersianWordRules::IsPreverbOf(std::string_view preverb, std::string_view verb_rest) const {
  auto it = preverb_forms_.find(AsAbsl(preverb));
  return it != preverb_forms_.end() && it->second.contains(AsAbsl(verb_rest));
}

bool PersianWordRules::IsPastStem(std::string_view word) const { return past_stems_.contains(AsAbsl(word)); }

bool PersianWordRules::IsBoundSuffix(std::string_view word) const { return bound_.contains(AsAbsl(word)); }
bool PersianWordRules::IsNotVerb(std::string_view word) const { return not_verbs_.contains(AsAbsl(word)); }

bool PersianWordRules::IsNotPlural(std::string_view word) const { return not_plural_.contains(AsAbsl(word)); }

const std::string* PersianWordRules::Join(std::string_view spaced) const {
  auto it = joins_.find(AsAbsl(spaced));
  return it == joins_.end() ? nullptr : &it->second;
}

}  // namespace quotematch
