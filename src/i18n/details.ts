import type { Language } from './index.ts'

/**
 * The sentences of problem details and field messages, English (as the rule that refuses writes
 * it, beside the rule) to Dutch. A rule keeps returning a plain English string; the answer is
 * translated when it is written, by matching the string against these templates (`{name}` matches
 * any text, carried over; a carried-over word that is itself here is translated too). The
 * templates are tried in order: a more specific one comes first. test/domain/i18n.test.ts finds
 * every message the code can write and fails on one without a Dutch template.
 */
export const DETAILS_NL: ReadonlyArray<readonly [string, string]> = [
  // What was not found, and the words put into other sentences.
  ['{what} does not exist or is not yours to see', '{what} bestaat niet of is niet van u om in te zien'],
  ['API client', 'API-client'],
  ['Delivery', 'Levering'],
  ['Group session', 'Groepssessie'],
  ['Handoff', 'Overdracht'],
  ['Organisation', 'Organisatie'],
  ['Programme', 'Programma'],
  ['Referral', 'Doorverwijzing'],
  ['Webhook', 'Webhook'],
  ['Worker', 'Medewerker'],
  ['The start assessment', 'De beginmeting'],
  ['The end assessment', 'De eindmeting'],
  ['The {phase} assessment', 'De meting ({phase})'],
  ['organisation', 'organisatie'],
  ['group session', 'groepssessie'],
  ['start assessment', 'beginmeting'],
  ['end assessment', 'eindmeting'],
  ['referral', 'doorverwijzing'],
  ['handoff', 'overdracht'],
  ['webhook', 'webhook'],
  ['screening', 'screening'],
  ['worker', 'medewerker'],
  ['creator', 'maker'],
  ['recipient', 'ontvanger'],
  ['programme', 'programma'],
  ['admin', 'beheerder'],
  ['body', 'inhoud'],
  ['query', 'parameters'],
  ['headers', 'headers'],
  ['params', 'padparameters'],

  // The FHIR interface: elements of a Bundle, a Task, a Subscription, and its search parameters.
  ['Task', 'Task'],
  ['Patient', 'Patient'],
  ['ServiceRequest', 'ServiceRequest'],
  ['Consent', 'Consent'],
  ['Organization', 'Organization'],
  ['PractitionerRole', 'PractitionerRole'],
  ['Subscription', 'Subscription'],
  ['CodeSystem does not exist', 'CodeSystem bestaat niet'],
  ['must be a Bundle', 'moet een Bundle zijn'],
  ['must be a Subscription', 'moet een Subscription zijn'],
  ['must be transaction', 'moet transaction zijn'],
  ['must hold a resource', 'moet een resource bevatten'],
  [
    'screening Observations go contained in the ServiceRequest (ServiceRequest.contained, ServiceRequest.supportingInfo)',
    'screening-Observations horen in de ServiceRequest (ServiceRequest.contained, ServiceRequest.supportingInfo)'
  ],
  [
    'a {type} is not part of a referral: send Patient, ServiceRequest, Consent and Task',
    'een {type} hoort niet bij een doorverwijzing: stuur Patient, ServiceRequest, Consent en Task'
  ],
  ['one {type} per referral', 'één {type} per doorverwijzing'],
  ['must be POST: a referral is created whole', 'moet POST zijn: een doorverwijzing wordt in haar geheel gemaakt'],
  ['a Consent is required: no consent, no referral', 'een Consent is verplicht: geen toestemming, geen doorverwijzing'],
  ['a {type} is required', 'een {type} is verplicht'],
  [
    'must refer to the {what} of this Bundle by its fullUrl',
    'moet naar de {what} van deze Bundle verwijzen met haar fullUrl'
  ],
  ['is required: her given name', 'is verplicht: haar voornaam'],
  ['is required: her family name', 'is verplicht: haar familienaam'],
  [
    'needs her INSZ (system {system}), or the extension {extension} saying why there is none',
    'vraagt haar INSZ (system {system}), of de extensie {extension} die zegt waarom er geen is'
  ],
  [
    'must give the street and house number (or the streetName and houseNumber extensions)',
    'moet de straat en het huisnummer geven (of de extensies streetName en houseNumber)'
  ],
  ['is required: her preferred language (system {system})', 'is verplicht: haar voorkeurstaal (system {system})'],
  ['must be a code of {system}: {codes}', 'moet een code van {system} zijn: {codes}'],
  ['must be a code of {system}', 'moet een code van {system} zijn'],
  ['is required: why she is referred, in words', 'is verplicht: waarom ze doorverwezen wordt, in woorden'],
  ['must be routine, urgent, asap or stat', 'moet routine, urgent, asap of stat zijn'],
  [
    'must refer to an Observation contained in the ServiceRequest (#id)',
    'moet verwijzen naar een Observation in de ServiceRequest (#id)'
  ],
  ['needs an Observation of {item} ({system})', 'vraagt een Observation van {item} ({system})'],
  ['is required: true or false', 'is verplicht: true of false'],
  ['is required: a whole number', 'is verplicht: een geheel getal'],
  ['is required: a date', 'is verplicht: een datum'],
  [
    'must refer to a contained Practitioner (#id): who to call back at your organisation',
    'moet verwijzen naar een Practitioner in de ServiceRequest (#id): wie we bij uw organisatie terugbellen'
  ],
  ['must be active: no consent, no referral', 'moet active zijn: geen toestemming, geen doorverwijzing'],
  ['is required: when she consented', 'is verplicht: wanneer ze toestemde'],
  ['is required: who recorded her consent', 'is verplicht: wie haar toestemming noteerde'],
  [
    'is required: the organisation types she agreed to share with ({types})',
    'is verplicht: de soorten organisaties waarmee ze wil delen ({types})'
  ],
  ['must be requested', 'moet requested zijn'],
  ['must be order', 'moet order zijn'],
  [
    "is required: your own id for this referral (its value is the referral's externalReference)",
    'is verplicht: uw eigen id voor deze doorverwijzing (de waarde wordt haar externalReference)'
  ],
  ['must be Organization/{id} of a programme', 'moet Organization/{id} van een programma zijn'],
  ['must be Organization/{id}: your organisation', 'moet Organization/{id} zijn: uw organisatie'],
  ['must be Organization/{id}', 'moet Organization/{id} zijn'],
  [
    "must be identifier=[system|]value with the Task's own identifier",
    'moet identifier=[system|]value zijn, met de eigen identifier van de Task'
  ],
  ['must be your own organisation', 'moet uw eigen organisatie zijn'],
  ['send a JSON Patch: an array of operations', 'stuur een JSON Patch: een lijst van operaties'],
  ['operation {n} must be replace or add', 'operatie {n} moet replace of add zijn'],
  ['only status and statusReason can be changed', 'enkel status en statusReason kunnen veranderen'],
  ['is required: the status to move to', 'is verplicht: de status waarnaar ze gaat'],
  ['is not an id of this server', 'is geen id van deze server'],
  ['is not a search parameter of Task here', 'is hier geen zoekparameter van Task'],
  ['may be given once', 'mag maar één keer gegeven worden'],
  [
    'must be gt, ge, lt or le followed by a date or an instant with its offset',
    'moet gt, ge, lt of le zijn, gevolgd door een datum of een tijdstip met zijn offset'
  ],
  ['only Task:focus is supported', 'enkel Task:focus wordt ondersteund'],
  ['must be 1 to 100', 'moet 1 tot 100 zijn'],
  ['must be the topic {topic}', 'moet het topic {topic} zijn'],
  [
    'filters are not supported: you hear the referrals your organisation is a party to',
    'filters worden niet ondersteund: u hoort over de doorverwijzingen waarbij uw organisatie partij is'
  ],
  ['must be rest-hook', 'moet rest-hook zijn'],
  ['must be application/fhir+json', 'moet application/fhir+json zijn'],
  ['must be id-only or full-resource', 'moet id-only of full-resource zijn'],
  ['must be whole seconds from {min} to {max}', 'moet een geheel aantal seconden van {min} tot {max} zijn'],
  ['a FHIR Subscription hears its topic only', 'een FHIR-Subscription hoort enkel haar topic'],
  ['is required: {what}', 'is verplicht: {what}'],

  // Versions, keys, limits.
  [
    'Send If-Match with the ETag of the version you are changing',
    'Stuur If-Match met de ETag van de versie die u wijzigt'
  ],
  [
    'The {subject} is at version {version}; fetch it again and retry',
    'De {subject} is aan versie {version}; haal ze opnieuw op en probeer opnieuw'
  ],
  [
    'The referral changed while this request ran; fetch it again and retry',
    'De doorverwijzing veranderde terwijl deze vraag liep; haal ze opnieuw op en probeer opnieuw'
  ],
  [
    'The worker changed while this request ran; fetch it again and retry',
    'De medewerker veranderde terwijl deze vraag liep; haal hem opnieuw op en probeer opnieuw'
  ],
  ['There is no {phase} assessment yet', 'Er is nog geen {phase}-meting'],
  ['{parameter} is not a cursor this API gave out', '{parameter} is geen cursor die deze API gaf'],
  ['Send `Authorization: Bearer <api key>`', 'Stuur `Authorization: Bearer <api-sleutel>`'],
  ['Unknown or revoked API key', 'Onbekende of ingetrokken API-sleutel'],
  ['Send the metrics token', 'Stuur het metrics-token'],
  ['This API client lacks the scope {scopes}', 'Deze API-client mist de scope {scopes}'],
  [
    'Idempotency-Key must be 1 to 255 visible ASCII characters',
    'Idempotency-Key moet 1 tot 255 zichtbare ASCII-tekens zijn'
  ],
  [
    'A request with this Idempotency-Key is still being processed; retry later',
    'Een vraag met deze Idempotency-Key wordt nog verwerkt; probeer later opnieuw'
  ],
  [
    'This Idempotency-Key was used with another request body; use a new key',
    'Deze Idempotency-Key werd gebruikt met een andere inhoud; gebruik een nieuwe sleutel'
  ],
  [
    'At most {max} requests a minute; retry after {after}',
    'Hoogstens {max} vragen per minuut; probeer opnieuw na {after}'
  ],
  ['The body nests deeper than {levels} levels', 'De inhoud is dieper genest dan {levels} niveaus'],
  ['The body is not valid JSON', 'De inhoud is geen geldige JSON'],
  [
    'The service cannot reach its database just now; retry after a moment',
    'De dienst bereikt zijn databank even niet; probeer zo dadelijk opnieuw'
  ],
  [
    'Something went wrong on our side; quote the instance id when asking for help',
    'Er ging bij ons iets mis; vermeld het instance-id als u hulp vraagt'
  ],
  ['No route {method} {path}', 'Geen route {method} {path}'],

  // Referrals.
  [
    'Your organisation has an open referral for this mother',
    'Uw organisatie heeft een lopende doorverwijzing voor deze mama'
  ],
  [
    'Your organisation already sent a referral with this externalReference',
    'Uw organisatie stuurde al een doorverwijzing met deze externalReference'
  ],
  [
    'This API client may not change the status of this referral',
    'Deze API-client mag de status van deze doorverwijzing niet wijzigen'
  ],
  [
    'A {role} cannot move a referral from {from} to {to}',
    'Een {role} kan een doorverwijzing niet van {from} naar {to} brengen'
  ],
  [
    'Record the end assessment (PUT /referrals/{referralId}/assessments/end) before completing',
    'Registreer de eindmeting (PUT /referrals/{referralId}/assessments/end) voor u afrondt'
  ],
  [
    '{count} handoff(s) are still open: settle them, or send closeOpenHandoffs to cancel them',
    '{count} overdracht(en) lopen nog: handel ze af, of stuur closeOpenHandoffs om ze te annuleren'
  ],
  [
    'Only the referring organisation corrects what it sent',
    'Alleen de verwijzende organisatie verbetert wat ze stuurde'
  ],
  [
    'A referral can be corrected while requested or received; it is {status}',
    'Een doorverwijzing kan verbeterd worden zolang ze verstuurd of ontvangen is; ze is {status}'
  ],
  ['Only the programme assigns its workers', 'Alleen het programma wijst zijn medewerkers toe'],
  [
    'A worker is assigned while the referral is {statuses}; it is {status}',
    'Een medewerker wordt toegewezen zolang de doorverwijzing {statuses} is; ze is {status}'
  ],
  ['gives an age of {age}; must be 12 to 55', 'geeft een leeftijd van {age}; moet 12 tot 55 zijn'],
  ['must hold 11 digits', 'moet 11 cijfers bevatten'],
  [
    'check digits do not match (97 minus the first nine digits mod 97; for births from 2000, with a 2 before them)',
    'de controlecijfers kloppen niet (97 min de eerste negen cijfers mod 97; voor geboorten vanaf 2000 met een 2 ervoor)'
  ],
  ['month or day in the number is impossible', 'maand of dag in het nummer is onmogelijk'],
  ["the number's date differs from mother.birthDate", 'de datum in het nummer verschilt van mother.birthDate'],
  ['must be absent when insz is given', 'moet ontbreken als insz gegeven is'],
  ['is required when insz is absent', 'is verplicht als insz ontbreekt'],
  ['give exactly one of pregnancy or youngestChild', 'geef precies één van pregnancy of youngestChild'],
  [
    'must lie between one month ago and ten months ahead',
    'moet tussen een maand geleden en tien maanden vooruit liggen'
  ],
  ['the child must be younger than {months} months', 'het kind moet jonger zijn dan {months} maanden'],
  ['must be at least 1 when youngestChild is given', 'moet minstens 1 zijn als youngestChild gegeven is'],
  ['must not be before {year}', 'mag niet vóór {year} liggen'],
  ['must name at least one organisation type', 'moet minstens één soort organisatie noemen'],
  ['must not contain control or bidirectional-override characters', 'mag geen stuur- of richtingstekens bevatten'],
  ['must contain a letter', 'moet een letter bevatten'],
  ['is not a programme organisation', 'is geen programma'],
  ["filters the programme's own referrals only", 'filtert alleen de eigen doorverwijzingen van het programma'],
  ['is given only when completing or failing', 'wordt alleen gegeven bij afronden of voortijdig stoppen'],
  [
    'is given on accepted; reassign with PUT /referrals/{referralId}/assignment',
    'wordt gegeven bij aanvaarden; wijs opnieuw toe met PUT /referrals/{referralId}/assignment'
  ],
  ['the corrected referral is incomplete', 'de verbeterde doorverwijzing is onvolledig'],
  ['is required to move to {status}', 'is verplicht om naar {status} te gaan'],
  ['must be one of {codes} for this status', 'moet een van {codes} zijn voor deze status'],
  ['The referral was entered in error', 'De doorverwijzing werd foutief ingevoerd'],
  ['The withdrawal was recorded before', 'De intrekking werd al eerder vastgelegd'],
  [
    'The referral is {status}: the programme closes it before erasure',
    'De doorverwijzing is {status}: het programma sluit ze af vóór het wissen'
  ],
  [
    'must be the id of a worker of your organisation (a UUID)',
    'moet het id van een medewerker van uw organisatie zijn (een UUID)'
  ],
  [
    'is not a worker of your organisation (GET /organisations/{id}/workers)',
    'is geen medewerker van uw organisatie (GET /organisations/{id}/workers)'
  ],
  ['is a worker who is no longer active', 'is een medewerker die niet meer actief is'],

  // Guidance, assessments, group sessions.
  [
    'the referral is not in guidance yet (not accepted)',
    'de doorverwijzing is nog niet in begeleiding (niet aanvaard)'
  ],
  ['must not be before the start of guidance ({day})', 'mag niet vóór de start van de begeleiding liggen ({day})'],
  ['must not be after the end of guidance ({day})', 'mag niet na het einde van de begeleiding liggen ({day})'],
  [
    'must not be in the future: record a session once held',
    'mag niet in de toekomst liggen: registreer een sessie als ze plaatsvond'
  ],
  ['must not be in the future', 'mag niet in de toekomst liggen'],
  ['must not be in the past', 'mag niet in het verleden liggen'],
  ['must be within two years', 'moet binnen twee jaar liggen'],
  ['must be before to', 'moet vóór to liggen'],
  ['would leave no score', 'zou geen enkele score overlaten'],
  ['Record the start assessment before the end assessment', 'Registreer de beginmeting vóór de eindmeting'],
  ['is not a referral of your programme', 'is geen doorverwijzing van uw programma'],
  ['is not in guidance (not accepted)', 'is niet in begeleiding (niet aanvaard)'],
  ['started guidance on {start}, after the session ({day})', 'startte de begeleiding op {start}, na de sessie ({day})'],
  ['ended guidance on {end}, before the session ({day})', 'beëindigde de begeleiding op {end}, vóór de sessie ({day})'],
  ['for an attending mother ({referral}): {problem}', 'voor een aanwezige mama ({referral}): {problem}'],
  [
    'is listed twice (also at {first}): a mother attends a session once',
    'staat er twee keer op (ook op {first}): een mama woont een sessie één keer bij'
  ],

  // Handoffs and housing.
  [
    'The mother withdrew her consent: nothing more is handed off',
    'De mama trok haar toestemming in: er wordt niets meer overgedragen'
  ],
  ['The referral is {status}', 'De doorverwijzing is {status}'],
  ['Only the creator and the recipient change a handoff', 'Alleen de maker en de ontvanger wijzigen een overdracht'],
  [
    'The {role} cannot move a handoff from {from} to {to}',
    'De {role} kan een overdracht niet van {from} naar {to} brengen'
  ],
  [
    'Only a housing_priority handoff takes a housing decision',
    'Alleen een housing_priority-overdracht krijgt een woonbeslissing'
  ],
  [
    'The handoff is {status}: decide once you accepted it, while it is accepted or in progress',
    'De overdracht is {status}: beslis nadat u ze aanvaardde, terwijl ze aanvaard of lopend is'
  ],
  ['the priority was {decision}: nothing more is decided', 'de voorrang was {decision}: er wordt niets meer beslist'],
  [
    'before any decision the priority can be {allowed}, not {next}',
    'vóór elke beslissing kan de voorrang {allowed} worden, niet {next}'
  ],
  [
    'after {current} the priority can be {allowed}, not {next}',
    'na {current} kan de voorrang {allowed} worden, niet {next}'
  ],
  ['the priority expired before allocation', 'de voorrang verviel vóór de toewijzing'],
  [
    'an extension runs past the current last day ({day})',
    'een verlenging loopt voorbij de huidige laatste dag ({day})'
  ],
  ['is not a known organisation', 'is geen gekende organisatie'],
  ['the operator receives no handoffs', 'de beheerder ontvangt geen overdrachten'],
  [
    'the city receives no handoffs: it reads aggregate figures only',
    'de stad ontvangt geen overdrachten: ze leest alleen geaggregeerde cijfers'
  ],
  ['the organisation was deactivated', 'de organisatie werd gedeactiveerd'],
  [
    'a housing_priority handoff goes to a housing organisation',
    'een housing_priority-overdracht gaat naar een woonmaatschappij'
  ],
  [
    'the organisation does not take {type} handoffs (see GET /directory/organisations)',
    'de organisatie neemt geen {type}-overdrachten aan (zie GET /directory/organisations)'
  ],
  ['only a housing organisation takes housing_priority', 'alleen een woonmaatschappij neemt housing_priority aan'],
  ['the operator takes no handoffs', 'de beheerder neemt geen overdrachten aan'],
  ['the city takes no handoffs', 'de stad neemt geen overdrachten aan'],
  [
    "the mother's consent (consent.sharingScope) does not name {type}",
    'de toestemming van de mama (consent.sharingScope) noemt {type} niet'
  ],
  ['is named when accepting', 'wordt genoemd bij het aanvaarden'],

  // Organisations, webhooks.
  ['A {type} named "{name}" exists', 'Een {type} met de naam "{name}" bestaat al'],
  ['Another programme already serves {codes}', 'Een ander programma bedient al {codes}'],
  [
    'The programme still guides {count} open referral(s): move or close them before deactivating it',
    'Het programma begeleidt nog {count} lopende doorverwijzing(en): draag ze over of sluit ze af vóór u het deactiveert'
  ],
  ['only a programme or a city has a service area', 'alleen een programma of een stad heeft een werkingsgebied'],
  [
    'an organisation of type {type} may not hold {scopes}',
    'een organisatie van het type {type} mag {scopes} niet hebben'
  ],
  [
    'This webhook endpoint is disabled; enable it (PATCH with "enabled": true) before redelivering',
    'Dit webhook-eindpunt is uitgeschakeld; schakel het in (PATCH met "enabled": true) vóór u opnieuw levert'
  ],
  ['is not a URL', 'is geen URL'],
  ['must not carry credentials', 'mag geen inloggegevens bevatten'],
  ['must use https', 'moet https gebruiken'],
  ['must use port 443', 'moet poort 443 gebruiken'],
  ['must not point at a local or internal host', 'mag niet naar een lokale of interne host wijzen'],
  [
    'must not point at a private, loopback, link-local, special or metadata address',
    'mag niet naar een privé-, loopback-, link-local-, bijzonder of metadata-adres wijzen'
  ],
  ['host does not resolve', 'de host bestaat niet in DNS'],

  // The shape of a request, as the validator and the input bounds say it.
  ['must be a calendar date, YYYY-MM-DD (2026-06-30)', 'moet een kalenderdatum zijn, JJJJ-MM-DD (2026-06-30)'],
  [
    'must be an instant with its offset, RFC 3339 (2026-06-30T14:00:00+02:00)',
    'moet een tijdstip met tijdzone zijn, RFC 3339 (2026-06-30T14:00:00+02:00)'
  ],
  ['must be an e-mail address', 'moet een e-mailadres zijn'],
  ['must be a UUID', 'moet een UUID zijn'],
  ['must be an absolute URL', 'moet een absolute URL zijn'],
  ['is required when {condition}', 'is verplicht als {condition}'],
  ['is required without {condition}', 'is verplicht zonder {condition}'],
  ['is required', 'is verplicht'],
  ['is not allowed together with {condition}', 'mag niet samen met {condition}'],
  ['must be one of {values} when {condition}', 'moet een van {values} zijn als {condition}'],
  ['must be one of {values} without {condition}', 'moet een van {values} zijn zonder {condition}'],
  ['must be one of {values}', 'moet een van {values} zijn'],
  ['is not an allowed field', 'is geen toegelaten veld'],
  ['is invalid', 'is ongeldig'],
  ['must not contain a NUL character', 'mag geen NUL-teken bevatten'],
  ['must be well-formed Unicode (no lone surrogates)', 'moet geldige Unicode zijn (geen losse surrogaten)'],
  ['must be a date in the years 1900 to 2999', 'moet een datum in de jaren 1900 tot 2999 zijn'],
  ['must NOT have more than {limit} items', 'mag niet meer dan {limit} elementen hebben'],
  ['must not have more than {limit} items', 'mag niet meer dan {limit} elementen hebben'],
  ['must not have fewer than {limit} items', 'mag niet minder dan {limit} elementen hebben'],
  ['must not have more than {limit} characters', 'mag niet meer dan {limit} tekens hebben'],
  ['must not have fewer than {limit} characters', 'mag niet minder dan {limit} tekens hebben'],
  ['must not have fewer than {limit} properties', 'mag niet minder dan {limit} velden hebben'],
  ['must not have duplicate items', 'mag geen dubbele elementen hebben'],
  ['must match pattern {pattern}', 'moet overeenkomen met het patroon {pattern}'],
  ['must be equal to one of the allowed values', 'moet een van de toegelaten waarden zijn'],
  ['must be {comparison} {limit}', 'moet {comparison} {limit} zijn'],
  ['must be {type}', 'moet van het type {type} zijn']
]

const compiled = DETAILS_NL.map(([english, dutch]) => {
  const names = [...english.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string)
  const pattern = english
    .split(/\{\w+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('(.+?)')
  return { names, pattern: new RegExp(`^${pattern}$`, 's'), dutch }
})

/** Whether a template of the catalogue says `english`. */
export const hasTemplate = (english: string) => compiled.some((c) => c.pattern.test(english))

/** `english` in `language`: the first template it matches, its parts carried over (and translated when they are words here). */
export function translateDetail(english: string, language: Language): string {
  if (language === 'en') return english
  for (const { names, pattern, dutch } of compiled) {
    const match = pattern.exec(english)
    if (match === null) continue
    return dutch.replace(/\{(\w+)\}/g, (_whole, name: string) => {
      const part = match[names.indexOf(name) + 1] ?? ''
      const word = names.length === 0 ? undefined : compiled.find((c) => c.names.length === 0 && c.pattern.test(part))
      return word === undefined ? part : word.dutch
    })
  }
  return english
}
