/**
 * What the IVR says on its own (not from the company's prompts), per language. The company's
 * language tag (`fr-FR`) picks the table by its primary subtag; a language without a table speaks
 * English, which every Twilio voice pronounces better than French.
 */
export interface IvrPhrases {
  /** After a silent gather, before listening again. */
  readonly reprompt: string;
  /** After the last silent gather, before hanging up. */
  readonly goodbyeSilent: string;
  /** When the model fails or times out: the call goes on. */
  readonly llmFallback: string;
  /** The caller asked for a human but no transfer number is configured. */
  readonly transferUnavailable: string;
  /** The transfer number did not answer (busy, no answer, failed). */
  readonly transferFailed: string;
  /** The call reached its maximum duration. */
  readonly goodbyeMaxDuration: string;
  /** Something on our side broke (storage down): apologise and hang up rather than let Twilio play an error. */
  readonly technicalProblem: string;
  /** The company has as many calls in progress as it may (`MAX_CONCURRENT_CALLS_PER_TENANT`). */
  readonly busy: string;
  /** How a caller asks for a person (see `asksForHuman`). */
  readonly humanRequest: HumanRequestWords;
}

/**
 * Words of a request for a person, matched as whole words ignoring case and accents. A `strong`
 * phrase is enough on its own ("conseiller"); a `noun` ("quelqu'un") counts only with a request
 * `verb` in the same utterance ("je voudrais parler à quelqu'un"), so "quelqu'un m'a dit que vous
 * livrez" is not a transfer.
 */
export interface HumanRequestWords {
  readonly strong: readonly string[];
  readonly nouns: readonly string[];
  readonly verbs: readonly string[];
}

const french: IvrPhrases = {
  reprompt: "Je ne vous ai pas entendu. Comment puis-je vous aider ?",
  goodbyeSilent: "Je ne vous entends toujours pas. N'hésitez pas à nous rappeler. Au revoir.",
  llmFallback: "Pardonnez-moi, je n'ai pas pu traiter votre demande. Pouvez-vous la reformuler ?",
  transferUnavailable: "Je ne peux pas vous mettre en relation avec un conseiller pour le moment, mais je reste à votre écoute.",
  transferFailed: "Aucun conseiller n'est disponible pour le moment. Je reste à votre écoute.",
  goodbyeMaxDuration: "Nous arrivons au terme de cet appel. Merci de votre appel et au revoir.",
  technicalProblem: "Nous rencontrons un problème technique. Merci de rappeler dans quelques instants. Au revoir.",
  busy: 'Toutes nos lignes sont occupées. Merci de rappeler dans quelques minutes. Au revoir.',
  humanRequest: {
    strong: ['conseiller', 'conseillère', 'un humain', 'un être humain', 'une vraie personne', 'opérateur', 'opératrice', 'standardiste', 'mettre en relation', 'mettez-moi en relation'],
    nouns: ["quelqu'un", 'une personne', 'un agent', 'le standard', 'un responsable', 'un vendeur', 'une vendeuse', 'un employé', 'une employée', 'un interlocuteur', 'le service client'],
    verbs: ['parler', 'passer', 'passez', 'transférer', 'transférez', 'joindre', 'avoir', 'voudrais', 'veux', 'souhaite', 'souhaiterais', 'aimerais'],
  },
};

const english: IvrPhrases = {
  reprompt: "Sorry, I didn't hear anything. How can I help you?",
  goodbyeSilent: "I still can't hear you. Please feel free to call us back. Goodbye.",
  llmFallback: "Sorry, I couldn't process that. Could you say it another way?",
  transferUnavailable: "I can't put you through to someone right now, but I'm still here to help.",
  transferFailed: 'Nobody is available to take your call right now. I am still here to help.',
  goodbyeMaxDuration: 'We have reached the end of this call. Thank you for calling, goodbye.',
  technicalProblem: 'We are having a technical problem. Please call again in a few moments. Goodbye.',
  busy: 'All our lines are busy. Please call again in a few minutes. Goodbye.',
  humanRequest: {
    strong: ['human', 'real person', 'live person', 'live agent', 'representative', 'operator', 'receptionist', 'put me through'],
    nouns: ['someone', 'somebody', 'a person', 'an agent', 'a manager', 'customer service', 'staff'],
    verbs: ['speak', 'talk', 'transfer', 'connect', 'get', 'want', 'need', 'like'],
  },
};

const spanish: IvrPhrases = {
  reprompt: 'No le he oído. ¿En qué puedo ayudarle?',
  goodbyeSilent: 'Sigo sin oírle. No dude en volver a llamarnos. Adiós.',
  llmFallback: 'Disculpe, no he podido procesar su solicitud. ¿Puede reformularla?',
  transferUnavailable: 'Ahora mismo no puedo pasarle con una persona, pero sigo a su disposición.',
  transferFailed: 'No hay nadie disponible en este momento. Sigo a su disposición.',
  goodbyeMaxDuration: 'Hemos llegado al final de esta llamada. Gracias por llamar, adiós.',
  technicalProblem: 'Tenemos un problema técnico. Vuelva a llamar en unos momentos. Adiós.',
  busy: 'Todas nuestras líneas están ocupadas. Vuelva a llamar en unos minutos. Adiós.',
  humanRequest: {
    strong: ['un humano', 'una persona real', 'operador', 'operadora', 'asesor', 'asesora', 'recepcionista'],
    nouns: ['alguien', 'una persona', 'un agente', 'un responsable', 'atención al cliente'],
    verbs: ['hablar', 'pasar', 'páseme', 'transferir', 'transfiera', 'comunicar', 'quiero', 'quisiera', 'necesito'],
  },
};

const german: IvrPhrases = {
  reprompt: 'Ich habe Sie nicht gehört. Wie kann ich Ihnen helfen?',
  goodbyeSilent: 'Ich höre Sie leider immer noch nicht. Rufen Sie uns gerne wieder an. Auf Wiederhören.',
  llmFallback: 'Entschuldigung, das konnte ich nicht verarbeiten. Können Sie es anders sagen?',
  transferUnavailable: 'Ich kann Sie gerade nicht mit einem Mitarbeiter verbinden, bin aber weiter für Sie da.',
  transferFailed: 'Im Moment ist niemand erreichbar. Ich bin weiter für Sie da.',
  goodbyeMaxDuration: 'Wir sind am Ende dieses Anrufs angekommen. Danke für Ihren Anruf, auf Wiederhören.',
  technicalProblem: 'Wir haben ein technisches Problem. Bitte rufen Sie in ein paar Minuten wieder an. Auf Wiederhören.',
  busy: 'Alle Leitungen sind besetzt. Bitte rufen Sie in ein paar Minuten wieder an. Auf Wiederhören.',
  humanRequest: {
    strong: ['mitarbeiter', 'mitarbeiterin', 'einen menschen', 'berater', 'beraterin', 'die zentrale', 'kundendienst'],
    nouns: ['jemanden', 'jemandem', 'eine person', 'einen agenten', 'den chef'],
    verbs: ['sprechen', 'verbinden', 'weiterleiten', 'durchstellen', 'möchte', 'will', 'brauche'],
  },
};

const tables: Readonly<Record<string, IvrPhrases>> = { fr: french, en: english, es: spanish, de: german };

/** The primary language subtag of a tag: `fr-FR` → `fr`. */
export function primaryLanguage(languageTag: string): string {
  return (languageTag.split('-')[0] ?? '').toLowerCase();
}

/** The phrases for a company language tag such as `fr-FR`; English when the language has none. */
export function phrasesFor(languageTag: string): IvrPhrases {
  return tables[primaryLanguage(languageTag)] ?? english;
}

/** The languages with their own phrases (documented in docs/ivr.md). */
export const phraseLanguages: readonly string[] = Object.keys(tables);
