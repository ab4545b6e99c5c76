"""Pure matching computations: no I/O, plain data in and out, deterministic for a given seed.

Suggestions ("find your fellow rebel"):

- ``matching.suggestions.profiles``: ``MemberProfileInput`` (bio, user fields, interests, tags, categories,
  topic titles, liked tags, locale, organisation) -> ``build_profiles(inputs, BlockWeights, ColdStart)``
  -> ``Profiles`` (L2-normalised CSR rows sorted by member id, per-block TF-IDF with German stems
  and compound parts, tags as their own block, thin profiles topped up from their organisation).
- ``matching.text.analysis``: tokenizer, German/English stop words (``matching/data``), Snowball stems,
  corpus-based compound splitting (``TermAnalyzer``), ``tag_key`` for spelling-tolerant tags.
- ``matching.suggestions.similarity``: ``top_k(matrix, k, organisation_ids, OrgMode, other_org_bonus, min_score,
  PairFactors) -> TopK``: exact top-k (numba, parallel) with the organisation rule and pair
  exclusions/discounts applied inside the kernel; ties rank the lower row first.
  ``top_k_reference`` gives the same result by brute force for tests and benchmarks. The compiled
  kernels live in ``matching.suggestions.kernels`` (each pair computed once, per-thread lists merged).
- ``matching.suggestions.rules``: ``RULES`` catalogue (``RuleSpec``: type, range, default; the companion words
  label and help in ``companion.suggestions.rule_texts``), ``RuleSet``, ``validate_rules(dict) -> RuleSet``
  raising ``RuleError`` with one ``RuleProblem`` per bad rule, ``diff_rules``, ``default_rules``,
  ``RULES_SCHEMA_VERSION``.
- ``matching.suggestions.allocation``: ``allocate(TopK, k, hub_cap, exploration, seed, spread=True) -> Allocation``:
  a degree-constrained matching: greedy by (explored) score with at most k exposures per member, then
  augmenting reassignments fill members short of k, raising the limit towards the hub cap only where
  nothing else works. ``with_reverse_candidates`` makes candidate lists symmetric first.
- ``matching.suggestions.features``: raw per-block counts (scikit-learn ``CountVectorizer`` with the project's
  tokenizer; each distinct token analysed once), labels as members write them, ``display_tag`` for slugs.
- ``matching.suggestions.explain``: ``shared_terms(profiles, row, other, limit)``, ``shared_terms_many`` (all pairs
  of a run at once; no generic words, no fragments nobody wrote); the companion words them
  (``companion.suggestions.wording``).
- ``matching.suggestions.calibration``: ``calibrate(profiles, interactions, rules, seed) -> Calibration`` (block
  weights and other-organisation bonus from replies, likes, mentions and PMs; newest 20 % held out).
- ``matching.suggestions.engine``: ``run_matching(profiles, statuses, rules, history, today, seed) -> EngineResult``
  with ``Suggestion(member_id, suggested_id, score, rank, shared_terms, organisation_id)``
  (score = cosine similarity after feedback discount, without the organisation bonus);
  eligibility from ``MemberStatus`` (``exclusion_reason`` returns an ``ExclusionReason`` code, worded by
  ``companion.suggestions.exclusions``), feedback and cooldown from ``PairHistory``.
- ``matching.suggestions.metrics``: precision@k, hit rate, cross-organisation share, coverage, exposure Gini,
  maximum exposure, ``summarise(result)`` and ``diff_results(before, after)`` for dry runs.
- ``matching.suggestions.synthetic``: ``generate_network(n_members, seed, ...)`` with latent interest groups.
- ``matching.suggestions.networks``: differently built test networks (``ours_network``, ``paraphrased_network``,
  ``sparse_english_network``) with interactions; ``matching.suggestions.evaluation``: ``evaluate(network, rules)``
  against scikit-learn TF-IDF, tags-only and random under the same rules and allocation.

Circles, meeting dates and badges live in their own modules of this package. Nothing here words anything for
people: reasons are codes with their figures (``ExclusionReason``, ``WAITING_REASONS``, ``BlockReason``,
``AwardReason``, ``ParamProblem``, ``RuleProblem``), worded by the companion through its gettext catalogue.
Names that admins type (badge names and descriptions, time block labels) are data and pass through as given.
"""
