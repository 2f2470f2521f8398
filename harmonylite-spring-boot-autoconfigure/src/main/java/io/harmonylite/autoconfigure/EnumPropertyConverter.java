package io.harmonylite.autoconfigure;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.converter.GenericConverter;

/**
 * Binds a {@code harmonylite.*} property to one of HarmonyLite's enums the way Spring Boot does ({@code if-empty},
 * {@code IF_EMPTY}, {@code ifEmpty}), but refuses anything else naming the values it accepts rather than a Java class.
 *
 * @param <E> the enum
 */
final class EnumPropertyConverter<E extends Enum<E>> implements GenericConverter {

	private final Class<E> type;

	EnumPropertyConverter(Class<E> type) {
		this.type = type;
	}

	@Override
	public Set<ConvertiblePair> getConvertibleTypes() {
		return Set.of(new ConvertiblePair(String.class, this.type));
	}

	@Override
	public @Nullable Object convert(@Nullable Object source, TypeDescriptor sourceType, TypeDescriptor targetType) {
		if (source == null) {
			return null;
		}
		String wanted = canonical(source.toString());
		for (E constant : this.type.getEnumConstants()) {
			if (canonical(constant.name()).equals(wanted)) {
				return constant;
			}
		}
		throw new IllegalArgumentException("'" + source + "' is not one of " + Arrays.stream(this.type.getEnumConstants())
			.map((constant) -> constant.name().toLowerCase(Locale.ROOT).replace('_', '-'))
			.collect(Collectors.joining(", ")));
	}

	/** The value without case, dashes and underscores: as Spring Boot's lenient enum binding compares. */
	private static String canonical(String value) {
		return value.trim().replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
	}

}
