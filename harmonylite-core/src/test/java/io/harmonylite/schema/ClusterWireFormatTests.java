package io.harmonylite.schema;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.harmonylite.HarmonyLiteException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ClusterWireFormatTests {

	@Test
	void nothingShouldBePublishedUntilTheRegistryWasRead() {
		ClusterWireFormat format = new ClusterWireFormat(1, 2);
		// Format 1 by default would apply this node's older changes over newer rows (no versions).
		assertThatExceptionOfType(HarmonyLiteException.class).isThrownBy(format::getAsInt)
			.withMessageContaining("has not read the schema registry");
		assertThat(format.refresh(new UnreachableSchemaRegistry())).isEqualTo(ClusterWireFormat.UNDECIDED);
		assertThatExceptionOfType(HarmonyLiteException.class).isThrownBy(format::getAsInt);

		assertThat(format.refresh(List.of(node(1, 2), node(2, 2), node(3, 2)))).isEqualTo(2);
		assertThat(format.getAsInt()).isEqualTo(2);
	}

	@Test
	void aNodeOfThePreviousReleaseShouldKeepEveryoneOnFormatOne() {
		ClusterWireFormat format = new ClusterWireFormat(1, 2);
		format.refresh(List.of(node(1, 2), node(2, 2)));
		NodeSchemaState previousRelease = new NodeSchemaState(3, "h", null, "v0.0.9", List.of(), Instant.EPOCH);
		assertThat(format.refresh(List.of(node(1, 2), node(2, 2), previousRelease))).isEqualTo(1);
	}

	@Test
	void aNodePinnedToFormatOneShouldPublishFormatOneWhateverTheOthersRead() {
		ClusterWireFormat pinned = new ClusterWireFormat(3, 1);
		assertThat(pinned.getAsInt()).isEqualTo(1);
		assertThat(pinned.refresh(List.of(node(1, 2), node(2, 2)))).isEqualTo(1);
		assertThat(pinned.ownFormat()).isEqualTo(1);
	}

	@Test
	void aNewerFormatThanThisNodeKnowsShouldNotBeWritten() {
		assertThat(new ClusterWireFormat(1, 2).refresh(List.of(node(1, 2), node(2, 3)))).isEqualTo(2);
	}

	@Test
	void anUnreadableRegistryShouldKeepTheFormatDecidedBefore() {
		ClusterWireFormat format = new ClusterWireFormat(1, 2);
		format.refresh(List.of(node(1, 2), node(2, 2)));
		assertThat(format.refresh(new UnreachableSchemaRegistry())).isEqualTo(2);
		assertThat(format.getAsInt()).isEqualTo(2);
	}

	private static NodeSchemaState node(long id, int wireFormat) {
		return new NodeSchemaState(id, "h", null, "v", List.of(), Instant.EPOCH, null, Map.of(), wireFormat);
	}

}
