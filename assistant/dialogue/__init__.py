"""Conversations as a dialogue state, not string surgery.

- `reading`: an analysed question (`QueryAnalysis`) read syllable by syllable: which words are a place, a year,
  an agency, a question form, a follow-up cue, a reference, and which are the topic.
- `state`: the typed `DialogueState` of one turn (intent, expected answer type, topic, slots, the question
  frame, and the clauses and facts that answered it), and how it is written back as a question.
- `resolve`: the explicit inheritance rules that turn a chat message into the next state.
- `thread`: follow-ups answered from the thread's evidence first (clauses near those that answered before).
- `multidoc`: questions that compare or collect across documents or provinces, answered as one grouped list.

All vocabulary comes from the lexicon (ingest/lexicon/dialogue.toml).
"""
