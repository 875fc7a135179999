"""Word lists for the blaming-language rules: persons, teams, systems and the verbs that blame."""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Common first names across languages; a name found here is a person even at the start of a
# sentence. Words that are also everyday English (Will, May, Grace, Mark, Bill, ...) are left out.
FIRST_NAMES = _words(
    """
    aaron abby abdul abel adam adrian ahmed aisha alan albert alex alexander alexandra alexei
    alfie ali alice alicia alina alison amanda amelia amir amit amy ana andre andrea andreas
    andrei andrew andy angela anil anita ann anna anne annie anthony anton antonio anya arjun
    arthur ashley asha aya ayesha barbara ben benjamin beth bianca bob boris brad brandon brian
    bruno carl carla carlos carmen carol caroline catherine charles charlie charlotte chen
    chloe chris christian christina christine christopher claire clara colin connor craig dan
    dana daniel daniela danny darius dave david deb debbie deepak denis dennis derek diana
    diego dimitri dmitri dominic donna doug douglas dylan ed eddie edward elena eli elif elijah
    elise eliza elizabeth ella ellen emily emil emma enrique eric erik erin ethan eva evan
    fatima felix fernando finn fiona francesca francis frank fred freya gabriel gary gaurav
    george georgia gerald gina giovanni greg gregory hana hannah hans harry harvey hassan
    heather helen henrik henry hiro hiroshi hugo ian igor ingrid irene isaac isabel isabella
    ivan jack jacob jake james jamie jan jane janet jared jason javier jen jenna jennifer jenny
    jeremy jess jessica jim jimmy joan joe joel johan johannes john jon jonas jonathan jordan
    jorge jose josef joseph josh joshua juan julia julian julie jun justin kai karen karim kate
    katie kavya keith ken kenji kevin kim kumar kyle lars laura lauren lena leo leon liam lily
    linda lisa liz logan lorenzo louis luca lucas lucy luis luke lukas maria mariana marie
    marina mario marco marcus margaret marek martin mary matt matteo matthew maya megan
    mehmet mei melissa mia michael michelle miguel mike mikhail milan ming mohamed mohammed
    monica nadia nancy naomi natalia natasha nathan neha nick nicole nikhil nina noah nora olga
    oliver olivia omar oscar pablo pam paolo patrick paul paula pedro peter phil philip pierre
    pooja pradeep prakash priya rachel rahul raj rajesh ravi raymond rebecca ricardo richard
    rick rita rob robert roberto robin ryan sahil sam samantha samir samuel sandra sanjay sara
    sarah scott sean sebastian sergei sergey shreya simon sofia sonia sophia sophie stefan
    stephanie stephen steve steven sunil susan suresh svetlana takeshi tanya tariq thomas tim
    timothy tom tomas tony tyler valentina vanessa victor victoria vijay vikram vincent vivek
    wei wendy william xavier yan yang yusuf yuki yuri zach zara zoe
    """
)

# Capitalised words that name systems, products, places or times, never a person.
SYSTEM_WORDS = _words(
    """
    airflow akamai alertmanager android ansible apache argo argocd athena aurora aws azure
    bigquery bitbucket cassandra celery chef chrome circleci cloudflare cloudfront cloudwatch
    confluence consul datadog debian django docker dynamodb elasticsearch envoy etcd fastly
    firefox flink gcp git github gitlab go grafana hadoop haproxy helm heroku istio java
    jenkins jira kafka kibana kubernetes lambda linux looker memcached mongodb mysql nginx node
    nomad okta opsgenie pagerduty postgres postgresql prometheus puppet python rabbitmq rails
    redis route53 ruby safari salt sentry sidekiq slack snowflake spark spinnaker splunk stripe
    tableau terraform twilio istio linkerd calico cilium karpenter vercel netlify supabase
    twitter ubuntu vault varnish windows zookeeper ios macos
    """
)
# Days, months and zones: capitalised, never a person, and not part of a product's name.
TIME_WORDS = _words(
    """
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december christmas easter utc gmt cet pst est
    pdt edt yesterday today tonight tomorrow
    """
)
PRODUCT_WORDS = SYSTEM_WORDS
SYSTEM_WORDS = PRODUCT_WORDS | TIME_WORDS

# Capitalised nouns that make a name a product or a component ("Identity Service", "Cloud Run",
# "Payments Gateway", "App"): never a person, alone or in a run of capitalised words.
SYSTEM_HEADS = _words(
    """
    app apps service services gateway gateways pipeline pipelines server servers cluster
    clusters database databases db platform api apis queue queues cache caches portal
    dashboard console engine worker workers scheduler proxy balancer network cloud storage
    bucket registry store stack backend frontend run functions function module system
    systems tool bot client sdk cdn index feed processor router controller runner daemon
    mesh bus hub vault lake warehouse catalog catalogue checkout search login auth billing
    payments ledger identity directory inventory mobile web desktop ios
    """
)

# Pronouns and nouns whose referent is a person when they are the subject of a verb.
PERSON_PRONOUNS = _words(
    """
    he she they someone somebody anyone anybody nobody you i everyone everybody whoever
    """
)
PERSON_NOUNS = _words(
    """
    engineer engineers developer operator admin administrator sysadmin intern on-call oncall
    responder reviewer author contractor employee person guy colleague teammate hire technician
    commander manager lead dev approver committer maintainer deployer requester submitter
    assignee releaser on-caller
    """
)
# ... and their plurals ("the reviewers missed"), except "leads", which is mostly a verb.
PERSON_NOUNS |= frozenset(noun + "s" for noun in PERSON_NOUNS if not noun.endswith(("s", "d")))

# Words that make the noun phrase a team: "the DBA team", "QA", "ops", "the frontend folks".
TEAM_HEADS = _words(
    """
    team teams squad folks guys crew department org group people staff
    """
)
TEAM_WORDS = _words(
    """
    qa ops sre sres devops devs developers dbas dba engineering infra netops secops
    """
)
TEAM_CAPITALISED = _words(
    """
    security networking product support management leadership
    """
)

# Verb lemmas: expanded to every inflected form with lemminflect when first needed.
FAILURE_VERBS = _words(
    """
    break crash corrupt wipe nuke botch destroy trash cause bork brick
    """
)
# Verb + particle that turn an ordinary verb into a failure: "took down", "messed up".
PARTICLE_FAILURES = {
    "take": frozenset({"down", "out", "offline"}),
    "bring": frozenset({"down", "offline"}),
    "knock": frozenset({"down", "out", "over"}),
    "blow": frozenset({"up", "away"}),
    "mess": frozenset({"up"}),
    "screw": frozenset({"up"}),
    "lock": frozenset({"out"}),
    "sleep": frozenset({"through"}),
    "let": frozenset({"through", "slip"}),
}
NEGLIGENCE_VERBS = _words(
    """
    forget ignore overlook neglect miss skip bypass disregard misconfigure mistype misread
    """
)
# Ordinary actions that blame only with a bad object or a careless manner ("ran the wrong
# playbook", "merged without approval").
ACTION_VERBS = _words(
    """
    delete drop push deploy merge ship run apply introduce commit write remove scale configure
    restart flush change disable enable edit set toggle flip roll do type enter paste click
    select pick choose target upgrade patch reboot kill terminate drain rotate approve rename
    silence mute snooze
    """
)
BAD_OBJECT = _words(
    """
    wrong bad broken faulty buggy incorrect untested unreviewed invalid
    """
)
CARELESS_MANNER = _words(
    """
    accidentally mistakenly carelessly blindly recklessly hastily unilaterally
    """
)
WITHOUT_WHAT = _words(
    """
    review approval telling testing checking asking reading permission warning looking
    explanation notice announcing communicating coordinating consulting verifying validating
    reviewing approving notifying
    """
)
# What a person is expected to have done: "failed to check", "didn't test", "should have read".
DILIGENCE_VERBS = _words(
    """
    check test verify read follow tell review look notice escalate wait ask update communicate
    announce validate confirm bother monitor catch spot see know consider realize realise
    double-check respond answer investigate inform warn think pay flag heed
    """
)
# "should have been caught": a hindsight passive about someone's diligence.
DILIGENCE_PARTICIPLES = _words(
    """
    caught noticed spotted tested checked reviewed escalated seen detected flagged verified
    prevented avoided known read followed validated double-checked questioned
    """
)
FAILURE_NOUNS = _words(
    """
    outage incident failure downtime breakage mess loss problem issue bug error mistake
    regression disruption crash
    """
)
ARTIFACT_NOUNS = _words(
    """
    change changes commit commits pr push deploy deployment typo mistake error script query
    config configuration command migration code patch edit job fix release rollout blunder
    merge merges hotfix
    """
)
# Data lost at a person's hand: "the production database was dropped by Kyle" (a passive with a
# person as agent) or "It was Sarah who deleted the bucket" (a cleft). "The table was restored
# by Kyle" is not flagged.
DESTRUCTIVE_VERBS = _words(
    """
    delete drop wipe purge truncate erase overwrite destroy
    """
)
# Ordinary actions that blame when a cleft singles a person out for them: "It was Sarah who
# disabled the alert" (but not "It was Sarah who found the root cause" or "... who pushed the
# fix").
CLEFT_VERBS = DESTRUCTIVE_VERBS | _words(
    """
    disable silence mute snooze push merge approve deploy ship commit introduce change
    """
)
# What a person's artifact does that blames its owner: "@jdoe's migration locked the orders
# table" (but "@jdoe's fix restored service" is fine).
OWNED_IMPACT_VERBS = _words(
    """
    lock overload saturate exhaust stall deadlock flood overwrite truncate wipe hammer starve
    degrade leak freeze hang
    """
)
# Objects that make a singled-out action a remedy: "It was Sarah who pushed the fix".
REMEDY_NOUNS = _words(
    """
    fix fixes hotfix patch rollback revert mitigation workaround
    """
)
JUDGEMENT_WORDS = _words(
    """
    careless carelessly carelessness negligent negligently negligence sloppy sloppily
    sloppiness lazy lazily laziness incompetent incompetently incompetence reckless recklessly
    recklessness stupid stupidly stupidity clueless dumb idiotic idiot idiots foolish foolishly
    irresponsible irresponsibly inexcusable unprofessional amateurish boneheaded brainless
    thoughtless inattentive half-assed obviously unacceptable blunder
    """
)
# Words after "lazy" that make it a technical term ("lazy loading").
LAZY_TECHNICAL = _words(
    """
    load loading loaded init initialization initialisation evaluation evaluated import
    """
)
# "without any review", "without proper testing": skipped between "without" and what.
WITHOUT_FILLERS = _words(
    """
    any a proper prior adequate sufficient further enough the prior real
    """
)
NEGATORS = _words(
    """
    not n't never no non isn't wasn't aren't weren't hardly
    """
)
HUMAN_ERROR_NEUTRAL_NEXT = _words(
    """
    rate rates count counts budget message messages code codes page pages handling metric
    metrics ratio percentage less unlikely impossible
    """
)
HUMAN_ERROR_MITIGATION = _words(
    """
    reduce reduces reducing reduced minimise minimize minimising minimizing prevent prevents
    preventing eliminate eliminates eliminating avoid avoiding guard guards prone chance risk
    room possibility opportunity fewer proof resistant against likelihood odds
    """
)
NUMBER_WORDS = _words(
    """
    one two three four five a an some few half
    """
)
# Words skipped when walking left from a verb to its subject.
SUBJECT_SKIP = _words(
    """
    also then just simply again never already even once still apparently basically completely
    totally somehow probably later subsequently accidentally mistakenly carelessly blindly
    unfortunately clearly actually really entirely quickly had has have did didn't does doesn't
    not n't allegedly reportedly
    """
)
DETERMINERS = _words(
    """
    the a an our their his her its this that these those my your
    """
)
CLAUSE_BREAKS = _words(
    """
    , ; : ( ) because when after before while since and but so which if until
    """
)
# Words that never head a noun phrase (lemminflect's lexicon has no entry for most of them).
FUNCTION_WORDS = DETERMINERS | _words(
    """
    it its this that these those there here what which who whom whose when where why how
    and or but so if then than as because while although though since until unless
    of in on at by for with from to into onto over under about after before during through
    is are was were be been being am do does did has have had will would shall should can
    could may might must not no yes
    """
)
