export {
  createLeaderElection,
  LeadershipEndedError,
  type LeaderElection,
  type LeaderElectionOptions,
  type Leadership,
} from './leader-election.js';
export {
  createLeaderLock,
  type LeaderLock,
  type LeaderLockOptions,
  type LeaderRedis,
} from './leader-lock.js';
