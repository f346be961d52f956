/**
 * The simulator's words. A voiced stretch of audio maps to one of these by a hash of its energy shape,
 * so the same audio always yields the same words; each word has translations, so simulated transcripts
 * also translate deterministically (and recognisably) through the simulated chat endpoint.
 */
const TABLE: Record<string, Record<string, string>> = {
  hello: { es: 'hola', fr: 'bonjour', de: 'hallo', it: 'ciao', pt: 'olá' },
  world: { es: 'mundo', fr: 'monde', de: 'Welt', it: 'mondo', pt: 'mundo' },
  today: { es: 'hoy', fr: "aujourd'hui", de: 'heute', it: 'oggi', pt: 'hoje' },
  we: { es: 'nosotros', fr: 'nous', de: 'wir', it: 'noi', pt: 'nós' },
  talk: { es: 'hablamos', fr: 'parlons', de: 'sprechen', it: 'parliamo', pt: 'falamos' },
  about: { es: 'sobre', fr: 'de', de: 'über', it: 'di', pt: 'sobre' },
  the: { es: 'el', fr: 'le', de: 'der', it: 'il', pt: 'o' },
  project: { es: 'proyecto', fr: 'projet', de: 'Projekt', it: 'progetto', pt: 'projeto' },
  meeting: { es: 'reunión', fr: 'réunion', de: 'Treffen', it: 'riunione', pt: 'reunião' },
  plan: { es: 'plan', fr: 'plan', de: 'Plan', it: 'piano', pt: 'plano' },
  team: { es: 'equipo', fr: 'équipe', de: 'Team', it: 'squadra', pt: 'equipe' },
  customer: { es: 'cliente', fr: 'client', de: 'Kunde', it: 'cliente', pt: 'cliente' },
  release: { es: 'lanzamiento', fr: 'version', de: 'Veröffentlichung', it: 'rilascio', pt: 'lançamento' },
  next: { es: 'próxima', fr: 'prochaine', de: 'nächste', it: 'prossima', pt: 'próxima' },
  week: { es: 'semana', fr: 'semaine', de: 'Woche', it: 'settimana', pt: 'semana' },
  good: { es: 'bueno', fr: 'bon', de: 'gut', it: 'buono', pt: 'bom' },
  idea: { es: 'idea', fr: 'idée', de: 'Idee', it: 'idea', pt: 'ideia' },
  question: { es: 'pregunta', fr: 'question', de: 'Frage', it: 'domanda', pt: 'pergunta' },
  answer: { es: 'respuesta', fr: 'réponse', de: 'Antwort', it: 'risposta', pt: 'resposta' },
  time: { es: 'tiempo', fr: 'temps', de: 'Zeit', it: 'tempo', pt: 'tempo' },
  work: { es: 'trabajo', fr: 'travail', de: 'Arbeit', it: 'lavoro', pt: 'trabalho' },
  data: { es: 'datos', fr: 'données', de: 'Daten', it: 'dati', pt: 'dados' },
  audio: { es: 'audio', fr: 'audio', de: 'Audio', it: 'audio', pt: 'áudio' },
  voice: { es: 'voz', fr: 'voix', de: 'Stimme', it: 'voce', pt: 'voz' },
  clear: { es: 'claro', fr: 'clair', de: 'klar', it: 'chiaro', pt: 'claro' },
  simple: { es: 'sencillo', fr: 'simple', de: 'einfach', it: 'semplice', pt: 'simples' },
  first: { es: 'primero', fr: 'premier', de: 'erste', it: 'primo', pt: 'primeiro' },
  second: { es: 'segundo', fr: 'deuxième', de: 'zweite', it: 'secondo', pt: 'segundo' },
  report: { es: 'informe', fr: 'rapport', de: 'Bericht', it: 'rapporto', pt: 'relatório' },
  number: { es: 'número', fr: 'nombre', de: 'Zahl', it: 'numero', pt: 'número' },
  open: { es: 'abierto', fr: 'ouvert', de: 'offen', it: 'aperto', pt: 'aberto' },
  ready: { es: 'listo', fr: 'prêt', de: 'bereit', it: 'pronto', pt: 'pronto' },
  thanks: { es: 'gracias', fr: 'merci', de: 'danke', it: 'grazie', pt: 'obrigado' },
  everyone: { es: 'todos', fr: 'tous', de: 'alle', it: 'tutti', pt: 'todos' },
  morning: { es: 'mañana', fr: 'matin', de: 'Morgen', it: 'mattina', pt: 'manhã' },
  agenda: { es: 'agenda', fr: 'ordre', de: 'Agenda', it: 'agenda', pt: 'agenda' },
  schedule: { es: 'horario', fr: 'calendrier', de: 'Zeitplan', it: 'programma', pt: 'cronograma' },
  budget: { es: 'presupuesto', fr: 'budget', de: 'Budget', it: 'bilancio', pt: 'orçamento' },
  design: { es: 'diseño', fr: 'conception', de: 'Entwurf', it: 'progetto', pt: 'design' },
  review: { es: 'revisión', fr: 'revue', de: 'Prüfung', it: 'revisione', pt: 'revisão' },
  test: { es: 'prueba', fr: 'test', de: 'Test', it: 'prova', pt: 'teste' },
  service: { es: 'servicio', fr: 'service', de: 'Dienst', it: 'servizio', pt: 'serviço' },
  city: { es: 'ciudad', fr: 'ville', de: 'Stadt', it: 'città', pt: 'cidade' },
  river: { es: 'río', fr: 'rivière', de: 'Fluss', it: 'fiume', pt: 'rio' },
  light: { es: 'luz', fr: 'lumière', de: 'Licht', it: 'luce', pt: 'luz' },
  music: { es: 'música', fr: 'musique', de: 'Musik', it: 'musica', pt: 'música' },
  story: { es: 'historia', fr: 'histoire', de: 'Geschichte', it: 'storia', pt: 'história' },
  people: { es: 'gente', fr: 'gens', de: 'Leute', it: 'persone', pt: 'pessoas' },
  change: { es: 'cambio', fr: 'changement', de: 'Änderung', it: 'cambio', pt: 'mudança' },
  result: { es: 'resultado', fr: 'résultat', de: 'Ergebnis', it: 'risultato', pt: 'resultado' },
  small: { es: 'pequeño', fr: 'petit', de: 'klein', it: 'piccolo', pt: 'pequeno' },
  large: { es: 'grande', fr: 'grand', de: 'groß', it: 'grande', pt: 'grande' },
  new: { es: 'nuevo', fr: 'nouveau', de: 'neu', it: 'nuovo', pt: 'novo' },
  old: { es: 'viejo', fr: 'ancien', de: 'alt', it: 'vecchio', pt: 'velho' },
  fast: { es: 'rápido', fr: 'rapide', de: 'schnell', it: 'veloce', pt: 'rápido' },
  slow: { es: 'lento', fr: 'lent', de: 'langsam', it: 'lento', pt: 'lento' },
  and: { es: 'y', fr: 'et', de: 'und', it: 'e', pt: 'e' },
  with: { es: 'con', fr: 'avec', de: 'mit', it: 'con', pt: 'com' },
  for: { es: 'para', fr: 'pour', de: 'für', it: 'per', pt: 'para' },
  is: { es: 'es', fr: 'est', de: 'ist', it: 'è', pt: 'é' },
  very: { es: 'muy', fr: 'très', de: 'sehr', it: 'molto', pt: 'muito' },
  now: { es: 'ahora', fr: 'maintenant', de: 'jetzt', it: 'ora', pt: 'agora' },
  then: { es: 'luego', fr: 'ensuite', de: 'dann', it: 'poi', pt: 'depois' },
  here: { es: 'aquí', fr: 'ici', de: 'hier', it: 'qui', pt: 'aqui' },
};

export const ENGLISH_WORDS = Object.keys(TABLE);

/** Languages the simulator can "speak" (transcribe in) and translate into. */
export const SIMULATED_LANGUAGES = ['en', 'es', 'fr', 'de', 'it', 'pt'] as const;

/** The word for hash `hash` in `language` (English when the language has no column). */
export function wordFor(hash: number, language: string): string {
  const english = ENGLISH_WORDS[hash % ENGLISH_WORDS.length]!;
  return language === 'en' ? english : (TABLE[english]?.[language] ?? english);
}

const REVERSE = new Map<string, string>();
for (const [english, translations] of Object.entries(TABLE)) {
  REVERSE.set(english, english);
  for (const word of Object.values(translations))
    if (!REVERSE.has(word.toLowerCase())) REVERSE.set(word.toLowerCase(), english);
}

/** Word-by-word translation of a simulated line; unknown words pass through unchanged. */
export function translateLine(line: string, target: string): string {
  return line.replace(/[\p{L}']+/gu, (token) => {
    const english = REVERSE.get(token.toLowerCase());
    if (!english) return token;
    const translated = target === 'en' ? english : (TABLE[english]?.[target] ?? token);
    return token[0] === token[0]!.toUpperCase() ? translated[0]!.toUpperCase() + translated.slice(1) : translated;
  });
}
