// Spec and bench support: deletes exactly the days and accounts they created from the shared Neo4j, in bounded transactions
// (offeringsOfDays: only the offering and allocations of those days, keeping their contributions).
import { Driver } from 'neo4j-driver';

export async function deleteLedgerTestData(
  driver: Driver,
  created: { days: string[]; accountIds: string[]; offeringsOfDays?: string[] },
): Promise<void> {
  const session = driver.session();
  const offeringDays = [...created.days, ...(created.offeringsOfDays ?? [])];
  try {
    await session.run(
      `UNWIND $days AS day MATCH (o:Offering {day: day})<-[:OF]-(al)
       CALL { WITH al DETACH DELETE al } IN TRANSACTIONS OF 5000 ROWS`,
      { days: offeringDays },
    );
    await session.run('UNWIND $days AS day MATCH (o:Offering {day: day}) DETACH DELETE o', { days: offeringDays });
    await session.run(
      `UNWIND $days AS day MATCH (c:Contribution {day: day}) CALL { WITH c DETACH DELETE c } IN TRANSACTIONS OF 5000 ROWS`,
      { days: created.days },
    );
    await session.run(
      `UNWIND $ids AS id MATCH (a:Account {accountId: id}) CALL { WITH a DETACH DELETE a } IN TRANSACTIONS OF 5000 ROWS`,
      { ids: created.accountIds },
    );
  } finally {
    await session.close();
  }
}
