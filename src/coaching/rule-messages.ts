import type { CoachingLanguage } from './types.ts';

/** The text of one rule in each language: what was heard, and what to try. */
export interface RuleText {
  readonly message: string;
  readonly suggestions: readonly string[];
}

type Texts = Readonly<Record<CoachingLanguage, RuleText>>;

/** Localized texts of the rules in `rules.ts`, by rule id. `{value}` is replaced by the measured value. */
export const ruleTexts = {
  pace_fast: {
    en: { message: 'You are speaking fast ({value}).', suggestions: ['Slow down and let key points land.', 'Pause briefly after each idea.'] },
    fr: { message: 'Vous parlez vite ({value}).', suggestions: ['Ralentissez pour laisser vos idées clés porter.', 'Marquez une courte pause après chaque idée.'] },
  },
  pace_slow: {
    en: { message: 'Your pace is slow ({value}).', suggestions: ['Pick up the pace a little to keep energy.', 'Rehearse transitions so they flow.'] },
    fr: { message: 'Votre débit est lent ({value}).', suggestions: ['Accélérez légèrement pour garder de l’énergie.', 'Répétez vos transitions pour plus de fluidité.'] },
  },
  long_pauses: {
    en: { message: '{value} long pause(s) in this stretch.', suggestions: ['Keep pauses under two seconds unless you mean them.', 'Have your next point ready in your notes.'] },
    fr: { message: '{value} pause(s) longue(s) sur ce passage.', suggestions: ['Gardez vos pauses sous deux secondes, sauf effet voulu.', 'Préparez le point suivant dans vos notes.'] },
  },
  few_pauses: {
    en: { message: 'Few pauses ({value} per minute).', suggestions: ['Breathe between sentences: pauses help listeners follow.'] },
    fr: { message: 'Peu de pauses ({value} par minute).', suggestions: ['Respirez entre les phrases : les pauses aident à suivre.'] },
  },
  many_pauses: {
    en: { message: 'Many pauses ({value} per minute): the speech sounds broken up.', suggestions: ['Group words into longer phrases.'] },
    fr: { message: 'Beaucoup de pauses ({value} par minute) : le discours paraît haché.', suggestions: ['Regroupez les mots en phrases plus longues.'] },
  },
  monotone: {
    en: { message: 'Your voice sounds monotone (pitch varies by {value}).', suggestions: ['Stress key words with your voice.', 'Let your pitch rise and fall with questions and conclusions.'] },
    fr: { message: 'Votre voix paraît monotone (variation de hauteur {value}).', suggestions: ['Accentuez les mots clés avec la voix.', 'Faites monter et descendre l’intonation.'] },
  },
  pitch_erratic: {
    en: { message: 'Your pitch swings a lot ({value}).', suggestions: ['Keep a steadier voice between emphases.'] },
    fr: { message: 'Votre intonation varie beaucoup ({value}).', suggestions: ['Gardez une voix plus stable entre les accents.'] },
  },
  too_quiet: {
    en: { message: 'You are hard to hear ({value}).', suggestions: ['Speak louder or move closer to the microphone.', 'Project from your diaphragm.'] },
    fr: { message: 'On vous entend mal ({value}).', suggestions: ['Parlez plus fort ou rapprochez-vous du micro.', 'Projetez votre voix depuis le diaphragme.'] },
  },
  too_loud: {
    en: { message: 'Your voice is very loud ({value}).', suggestions: ['Step back from the microphone a little.'] },
    fr: { message: 'Votre voix est très forte ({value}).', suggestions: ['Éloignez-vous un peu du micro.'] },
  },
  clipping: {
    en: { message: 'The audio is clipping ({value} of frames).', suggestions: ['Lower the input gain or step back from the microphone.'] },
    fr: { message: 'Le son sature ({value} des trames).', suggestions: ['Baissez le gain d’entrée ou éloignez-vous du micro.'] },
  },
  noisy: {
    en: { message: 'Background noise is high (speech only {value} above it).', suggestions: ['Find a quieter room or use a headset microphone.'] },
    fr: { message: 'Le bruit de fond est élevé (la voix n’est que {value} au-dessus).', suggestions: ['Cherchez une pièce plus calme ou un micro-casque.'] },
  },
  fillers: {
    en: { message: 'Filler words: {value} per minute.', suggestions: ['Replace "um" and "uh" with a short silent pause.'] },
    fr: { message: 'Mots de remplissage : {value} par minute.', suggestions: ['Remplacez les « euh » et « ben » par une courte pause silencieuse.'] },
  },
  excellent: {
    en: { message: 'Excellent delivery: keep it up.', suggestions: ['Keep this pace and energy.'] },
    fr: { message: 'Excellente prestation : continuez ainsi.', suggestions: ['Gardez ce rythme et cette énergie.'] },
  },
} as const satisfies Record<string, Texts>;

export type RuleId = keyof typeof ruleTexts;

/** Phrases the rules' own coaching text is built from. */
export const summaryTexts = {
  en: {
    noSpeech: 'Not enough speech yet to coach: keep going.',
    summary: (overall: number, grade: string) => `Overall ${overall}/100 (${grade}).`,
    strength: (dimension: string) => `Good ${dimension}.`,
    encouragement: 'Every session makes a difference: keep practising.',
    why: 'It changes how easily your audience follows you.',
    dimension: { pace: 'pace', pauses: 'pauses', intonation: 'intonation', volume: 'volume', clarity: 'clarity', fluency: 'fluency' },
  },
  fr: {
    noSpeech: 'Pas encore assez de parole pour vous conseiller : continuez.',
    summary: (overall: number, grade: string) => `Score global ${overall}/100 (${grade}).`,
    strength: (dimension: string) => `Bon point : ${dimension}.`,
    encouragement: 'Chaque séance compte : continuez à vous entraîner.',
    why: 'Cela change la facilité avec laquelle votre public vous suit.',
    dimension: { pace: 'débit', pauses: 'pauses', intonation: 'intonation', volume: 'volume', clarity: 'clarté', fluency: 'fluidité' },
  },
} as const;
