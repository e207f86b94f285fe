/** Who is making a request, as established by authentication. Every query is scoped by `tenantId`. */
export interface Principal {
  readonly tenantId: string;
  readonly userId: string;
  readonly role: 'admin' | 'member';
}
