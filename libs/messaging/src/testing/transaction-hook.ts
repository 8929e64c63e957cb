// Test support: lets a test reach into every transaction a kafkajs client's transactional producers open (to count
// what they commit, or to inject a crash right before the commit), without touching the adapter under test.
import { Kafka, Producer, ProducerConfig, Transaction } from 'kafkajs';

/** Calls `hook` on each transaction of `kafka`'s transactional producers as it opens; returns the same client. */
export function hookTransactions(kafka: Kafka, hook: (txn: Transaction) => void): Kafka {
  const producer = kafka.producer.bind(kafka);
  kafka.producer = (config?: ProducerConfig): Producer => {
    const real = producer(config);
    if (!config?.transactionalId) return real;
    const transaction = real.transaction.bind(real);
    real.transaction = async (): Promise<Transaction> => {
      const txn = await transaction();
      hook(txn);
      return txn;
    };
    return real;
  };
  return kafka;
}
