// Engineering onboarding pilot, all on Kafka: hr-service publishes EmployeeHired; engineering-onboarding
// provisions the new hire's accounts; infrastructure-onboarding and security-onboarding each grant access;
// engineering-onboarding closes the case once both grants are in. The employee id is the correlation id.
import { newId, oneOf } from './chance.ts';
import { newEvent, type CloudEvent } from './cloudevents.ts';
import { connectPilotKafka, kafkaPilot } from './kafka.ts';
import { startPace } from './pace.ts';
import type { Pilot, PilotOptions } from './pilot.ts';
import { createTraffic } from './traffic.ts';

export const ONBOARDING_NAMES = {
  employees: 'hr.employees',
  accounts: 'onboarding.accounts',
  access: 'onboarding.access',
  completed: 'onboarding.completed',
  engineeringGroup: 'engineering-onboarding',
  infrastructureGroup: 'infrastructure-onboarding',
  securityGroup: 'security-onboarding',
};
export type OnboardingNames = typeof ONBOARDING_NAMES;

export const ONBOARDING_EVENT_TYPES = [
  'EmployeeHired',
  'AccountsProvisioned',
  'InfraAccessGranted',
  'SecurityAccessGranted',
  'OnboardingCompleted',
] as const;

/** Default hires per second. */
export const ONBOARDING_RATE = 1;

const FIRST = ['Ana', 'Budi', 'Chen', 'Dewi', 'Eko', 'Fatima', 'Gita', 'Hiro', 'Ines', 'Joko', 'Kim', 'Lars'];
const LAST = ['Santoso', 'Wang', 'Lestari', 'Okafor', 'Tanaka', 'Silva', 'Nugroho', 'Park', 'Jensen', 'Rahman'];
const TEAMS = ['platform', 'payments', 'data', 'mobile', 'search'];
const ROLES = ['backend engineer', 'frontend engineer', 'SRE', 'data engineer', 'engineering manager'];
/** Cases waiting for their second grant; a bound so lost grants cannot grow memory forever. */
const MAX_OPEN_CASES = 10_000;

export async function startOnboarding({
  kafkaBrokers,
  ratePerSecond = ONBOARDING_RATE,
  log,
  names: given = {},
  random = Math.random,
}: PilotOptions<OnboardingNames>): Promise<Pilot> {
  const names: OnboardingNames = { ...ONBOARDING_NAMES, ...given };
  const traffic = createTraffic({ eventTypes: ONBOARDING_EVENT_TYPES, log, random });
  const topics = [names.employees, names.accounts, names.access, names.completed];
  const kafka = await connectPilotKafka({ brokers: kafkaBrokers, clientId: 'onboarding-pilot', topics, traffic, log });
  const open = new Map<string, Set<string>>();

  const granted = async (employee: string, by: string, grant: CloudEvent) => {
    const got = open.get(employee) ?? new Set<string>();
    got.add(by);
    if (got.size < 2) {
      open.set(employee, got);
      if (open.size > MAX_OPEN_CASES) open.delete(open.keys().next().value ?? '');
      return;
    }
    open.delete(employee);
    await kafka.publish(
      names.completed,
      newEvent(
        'OnboardingCompleted',
        'engineering-onboarding',
        employee,
        { employee_id: employee, steps: ['accounts', 'infrastructure', 'security'] },
        grant,
      ),
    );
  };

  await kafka.consume(names.engineeringGroup, [names.employees, names.access], {
    EmployeeHired: async (hired) => {
      const email = String(hired.data.email ?? `${hired.correlationId}@example.com`);
      const accounts = {
        employee_id: hired.correlationId,
        email,
        accounts: ['google-workspace', 'github', 'slack', 'jira'],
        team: hired.data.team ?? 'unknown',
      };
      await kafka.publish(
        names.accounts,
        newEvent('AccountsProvisioned', 'engineering-onboarding', hired.correlationId, accounts, hired),
      );
    },
    InfraAccessGranted: async (grant) => granted(grant.correlationId, 'infrastructure', grant),
    SecurityAccessGranted: async (grant) => granted(grant.correlationId, 'security', grant),
  });

  await kafka.consume(names.infrastructureGroup, [names.accounts], {
    AccountsProvisioned: async (accounts) => {
      const team = String(accounts.data.team ?? 'platform');
      const grants = {
        employee_id: accounts.correlationId,
        grants: ['vpn', `aws:${team}-dev`, 'k8s:staging', 'grafana:viewer'],
      };
      await kafka.publish(
        names.access,
        newEvent('InfraAccessGranted', 'infrastructure-onboarding', accounts.correlationId, grants, accounts),
      );
    },
  });
  await kafka.consume(names.securityGroup, [names.accounts], {
    AccountsProvisioned: async (accounts) => {
      const grants = {
        employee_id: accounts.correlationId,
        badge: 'issued',
        mfa: 'enrolled',
        laptop: 'encrypted',
        training: 'assigned',
      };
      await kafka.publish(
        names.access,
        newEvent('SecurityAccessGranted', 'security-onboarding', accounts.correlationId, grants, accounts),
      );
    },
  });

  const pace = startPace({
    ratePerSecond,
    log,
    random,
    tick: async () => {
      const id = newId('emp');
      const [first, last] = [oneOf(FIRST, random()), oneOf(LAST, random())];
      const hire = {
        employee_id: id,
        name: `${first} ${last}`,
        email: `${first}.${last}.${id.slice(4, 8)}@example.com`.toLowerCase(),
        department: 'engineering',
        team: oneOf(TEAMS, random()),
        role: oneOf(ROLES, random()),
        start_date: new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10),
      };
      await kafka.publish(names.employees, newEvent('EmployeeHired', 'hr-service', id, hire));
    },
  });

  return kafkaPilot({
    name: 'onboarding',
    services: ['hr-service', 'engineering-onboarding', 'infrastructure-onboarding', 'security-onboarding'],
    eventTypes: ONBOARDING_EVENT_TYPES,
    traffic,
    kafka,
    topics,
    groups: [names.engineeringGroup, names.infrastructureGroup, names.securityGroup],
    pace,
  });
}
