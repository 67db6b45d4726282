// File: align/cldr.h
//
// Lexicon entries generated from ICU's copy of the CLDR locale data rather
// than typed by hand: the names of countries and regions, languages,
// currencies, Gregorian and Solar Hijri months and weekdays, in English and
// Persian. Computed once per process (a few milliseconds).
//
//   for (const GeneratedEntries& g : CldrEntries()) ... g.kind ("countries"), g.entries
#pragma once

#include <string>
#include <vector>

#include "align/lexicon.h"

namespace quotematch {

struct GeneratedEntry {
  std::string english;
  std::string persian;
  PartOfSpeech pos = PartOfSpeech::kName;
};

struct GeneratedEntries {
  std::string kind;   // countries, languages, currencies, months, weekdays
  std::vector<GeneratedEntry> entries;
};

const std::vector<GeneratedEntries>& CldrEntries();

}  // namespace quotematch
