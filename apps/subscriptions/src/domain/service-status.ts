/** The lifecycle of a customer service, as an ISP runs it. */
export const SERVICE_STATUSES = ['awaiting_installation', 'enabled', 'suspended_debt', 'suspended_request', 'cancelled'] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];

/** Allowed moves. Cancelled is final: a customer who returns gets a new service. */
const transitions: Record<ServiceStatus, readonly ServiceStatus[]> = {
  awaiting_installation: ['enabled', 'cancelled'],
  enabled: ['suspended_debt', 'suspended_request', 'cancelled'],
  suspended_debt: ['enabled', 'suspended_request', 'cancelled'],
  suspended_request: ['enabled', 'suspended_debt', 'cancelled'],
  cancelled: [],
};

export function canMove(from: ServiceStatus, to: ServiceStatus): boolean {
  return transitions[from].includes(to);
}
