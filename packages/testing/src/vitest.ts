export { useOwnRabbitMqNode, type FileRabbitMqNode } from './use-own-rabbitmq-node.js';
