package io.harmonylite.schema;

import java.time.Clock;
import java.time.Duration;

class InMemorySchemaRegistryTests extends SchemaRegistryContract {

	@Override
	protected SchemaRegistry createRegistry(Duration ttl) {
		return new InMemorySchemaRegistry(ttl, Clock.systemUTC());
	}

}
