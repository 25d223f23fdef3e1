export { createAmqpFixture, TEST_AMQP_URL, type AmqpFixture } from './amqp-fixture.js';
