import { openChdbEngine } from '../../src/engines/chdb/connection.js';
import { clickhouseGaps } from './clickhouse-gaps.js';
import { runEngineContract } from './engine.contract.js';

runEngineContract({ name: 'chdb', create: () => openChdbEngine(), skip: clickhouseGaps });
